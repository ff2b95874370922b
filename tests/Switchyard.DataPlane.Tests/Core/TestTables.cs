using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>Hand-built RoutingTables for data-plane tests (no compiler involved).</summary>
internal static class TestTables
{
    public static readonly string[] AllEntryPoints = ["web", "websecure"];

    public sealed class FuncMatcher(Func<IRequestFacts, bool> predicate) : IRuleMatcher
    {
        public bool Matches(IRequestFacts request) => predicate(request);
    }

    public static IRuleMatcher Any { get; } = new FuncMatcher(_ => true);

    public static IRuleMatcher PathPrefix(string prefix) => new FuncMatcher(r => r.Path.StartsWith(prefix, StringComparison.Ordinal));

    public static IRuleMatcher Host(string host) => new FuncMatcher(r => string.Equals(r.Host, host, StringComparison.OrdinalIgnoreCase));

    public static Router Router(string name, string service, IRuleMatcher? matcher = null, string rule = "PathPrefix(`/`)",
        RouterTls? tls = null, string[]? middlewares = null, string[]? entryPoints = null, int priority = 1) =>
        new(name, [.. entryPoints ?? AllEntryPoints], rule, priority, [.. middlewares ?? []], service, tls,
            new ResourceRef("IngressRoute", "default", name), 0)
        {
            Matcher = matcher ?? Any,
            // What the compiler would carry: the index and ACME read hosts and paths off this tree, not the rule text.
            Expression = RuleParser.Parse(rule).Expression,
        };

    public static LoadBalancerService Lb(string scheme, IEnumerable<Uri> servers, string transport = "default", bool passHostHeader = true) =>
        new([.. servers.Select(u => new ServerConfig(u.Host, u.Port))], BalancerStrategy.Wrr, Scheme(scheme), passHostHeader,
            transport, TimeSpan.FromMilliseconds(100), null, null, null);

    /// <summary>The table's scheme for a test's scheme name (http, https, h2c).</summary>
    public static ServerScheme Scheme(string name) => name switch
    {
        "https" => ServerScheme.Https,
        "h2c" => ServerScheme.H2c,
        _ => ServerScheme.Http,
    };

    /// <summary>A server of the table from a test's URL (its scheme is the service's, not the server's).</summary>
    public static ServerConfig Server(string url, int weight = 1, bool terminating = false)
    {
        var uri = new Uri(url);
        return new ServerConfig(uri.Host.Trim('[', ']'), uri.Port, weight, terminating);
    }

    public static RoutingTable Table(
        IEnumerable<Router> routers,
        IDictionary<string, ServiceConfig> services,
        IDictionary<string, ServersTransportConfig>? transports = null,
        TlsConfig? tls = null,
        IDictionary<string, MiddlewareConfig>? middlewares = null)
    {
        var st = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, transports ?? new Dictionary<string, ServersTransportConfig>());
        if (!st.ContainsKey("default"))
        {
            st = st.Add("default", ServersTransportConfig.Default);
        }

        return new RoutingTable(
            [.. routers],
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, services),
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, middlewares ?? new Dictionary<string, MiddlewareConfig>()),
            st,
            tls ?? TlsConfig.Empty);
    }

    public static PemCertificate Pem(System.Security.Cryptography.X509Certificates.X509Certificate2 cert, bool withKey, string source = "Secret default/test") =>
        PemCertificate.Parse(source, TestKit.TestCertificates.CertificatePem(cert), withKey ? TestKit.TestCertificates.PrivateKeyPem(cert) : null);
}
