using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Authentication;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.Middlewares;
using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.EntryPoints;

/// <summary>
/// The TLS side of a table, ready for the handshake callback: certificates indexed by DNS name (exact, then
/// wildcard), the default certificate (TLSStore default, else a generated self-signed one), and the TLSOption
/// that applies to each host (from the Host() matchers of routers naming tls.options, like Traefik).
/// A table certificate's SslStream context (its X.509 objects and chain) is made at the first handshake that
/// selects it, not when the table is built: the compiler read the certificate and its key without OpenSSL, and a
/// gateway whose TLS clients have not come yet does not load it (docs/performance-log.md, 2026-12-07 18:50).
/// </summary>
public sealed partial class CompiledTls
{
    // Generated at the first handshake that needs it, not while the first table is built (start-up time).
    private static readonly Lazy<SslStreamCertificateContext> Generated = new(() =>
        SslStreamCertificateContext.Create(SelfSignedCertificate.Create("switchyard.default"), null));

    private readonly Dictionary<string, TableCertificateContext> _exact;
    private readonly Dictionary<string, TableCertificateContext> _wildcard;
    private readonly TableCertificateContext? _default; // null: the generated one
    private readonly string? _defaultGeneratedName;
    private readonly Dictionary<string, string> _optionsByHost;
    private readonly ImmutableSortedDictionary<string, TlsOptionsConfig> _options;
    private readonly ConcurrentDictionary<(SslStreamCertificateContext, string), SslServerAuthenticationOptions> _cache = new();

    private CompiledTls(
        Dictionary<string, TableCertificateContext> exact,
        Dictionary<string, TableCertificateContext> wildcard,
        TableCertificateContext? @default,
        Dictionary<string, string> optionsByHost,
        ImmutableSortedDictionary<string, TlsOptionsConfig> options,
        string? defaultGeneratedName)
    {
        _defaultGeneratedName = defaultGeneratedName;
        _exact = exact;
        _wildcard = wildcard;
        _default = @default;
        _optionsByHost = optionsByHost;
        _options = options;
    }

    public static CompiledTls Build(RoutingTable table, ISwapState state, ILogger? logger = null)
    {
        var exact = new Dictionary<string, TableCertificateContext>(StringComparer.OrdinalIgnoreCase);
        var wildcard = new Dictionary<string, TableCertificateContext>(StringComparer.OrdinalIgnoreCase);
        var byId = new Dictionary<string, TableCertificateContext>(StringComparer.Ordinal);
        foreach (var (id, cert) in table.Tls.Certificates)
        {
            if (!cert.Pem.HasKey)
            {
                continue;
            }

            // Kept in swap state by content, so an unchanged certificate's context is not made (nor its failure
            // logged) again on every swap; made at the first handshake that selects it (TableCertificateContext).
            var stateKey = $"tls-cert/{id}/{TableFingerprint.Compute(cert.Pem)}";
            var pem = cert.Pem;
            var context = state.GetOrAdd(stateKey, () => new TableCertificateContext(id, pem, logger));
            byId[id] = context;
            foreach (var name in cert.DnsNames)
            {
                if (name.StartsWith("*.", StringComparison.Ordinal))
                {
                    wildcard.TryAdd(name[2..], context);
                }
                else
                {
                    exact.TryAdd(name, context);
                }
            }
        }

        var @default = table.Tls.Stores.TryGetValue("default", out var store) && store.DefaultCertificate is { } defId
            && byId.TryGetValue(defId, out var storeDefault) ? storeDefault : null;

        var optionsByHost = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var router in table.Routers)
        {
            if (router.Tls?.Options is not { } optionsId)
            {
                continue;
            }

            foreach (Match m in HostArguments().Matches(router.Rule))
            {
                foreach (Match v in QuotedValue().Matches(m.Groups[1].Value))
                {
                    optionsByHost.TryAdd(v.Groups[1].Value, optionsId);
                }
            }
        }

        // defaultGeneratedCert: the resolver's certificate for its main domain is the default, once it is obtained.
        var generatedName = store is { DefaultCertificate: null, DefaultCertResolver: not null, DefaultGeneratedDomains.IsDefaultOrEmpty: false }
            ? store.DefaultGeneratedDomains[0]
            : null;
        return new CompiledTls(exact, wildcard, @default, optionsByHost, table.Tls.Options, generatedName);
    }

    /// <summary>The server options for a handshake with this SNI (null when the client sent none).</summary>
    /// <param name="serverName">The SNI.</param>
    /// <param name="fallback">Certificates held outside the table (ACME resolvers), asked when no table certificate matches.</param>
    /// <exception cref="AuthenticationException">sniStrict and no certificate for the name.</exception>
    public SslServerAuthenticationOptions Select(string? serverName, Func<string, SslStreamCertificateContext?>? fallback = null)
    {
        var optionsId = serverName is not null && _optionsByHost.TryGetValue(serverName, out var o) ? o : "default";
        var options = _options.TryGetValue(optionsId, out var opt) ? opt : (_options.TryGetValue("default", out var def) ? def : null);
        var certificate = FindCertificate(serverName)?.Value ?? (fallback is not null && !string.IsNullOrEmpty(serverName) ? fallback(serverName) : null);
        if (certificate is null)
        {
            if (options?.SniStrict == true)
            {
                throw new AuthenticationException($"sniStrict: no certificate for '{serverName}'");
            }

            certificate = (_defaultGeneratedName is not null ? fallback?.Invoke(_defaultGeneratedName) : null) ?? _default?.Value ?? Generated.Value;
        }

        return _cache.GetOrAdd((certificate, optionsId), static (key, opts) => TlsServerOptions.Create(key.Item1, opts), options);
    }

    private TableCertificateContext? FindCertificate(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return null;
        }

        if (_exact.TryGetValue(serverName, out var exact))
        {
            return exact;
        }

        var dot = serverName.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && _wildcard.TryGetValue(serverName[(dot + 1)..], out var wild) ? wild : null;
    }

    [GeneratedRegex(@"Host\s*\(([^)]*)\)")]
    private static partial Regex HostArguments();

    [GeneratedRegex("[`\"]([^`\"]+)[`\"]")]
    private static partial Regex QuotedValue();
}
