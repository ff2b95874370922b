using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Switchyard.Routing;
using Switchyard.Routing.Table;

namespace Switchyard.Configuration;

/// <summary>
/// Checks entryPoints.NAME.http and asDefault and turns them into what the compiler applies (Traefik:
/// cmd/traefik/traefik.go getDefaultsEntrypoints; pkg/provider/traefik/internal.go entryPointModels, redirection).
/// Where Traefik logs and skips a bad redirection, the start stops here with the key named.
/// </summary>
internal static partial class EntryPointHttpReader
{
    /// <summary>
    /// Routers without entryPoints attach to the entry points marked asDefault, or to every routed one when none is
    /// (admin entry points serve no routes).
    /// </summary>
    public static ImmutableArray<string> DefaultEntryPoints(StaticConfig raw, ImmutableArray<string> routed, string fileName)
    {
        foreach (var (name, ep) in raw.EntryPoints)
        {
            if (ep.AsDefault && ep.Admin)
            {
                throw new StaticConfigException($"{fileName}: entryPoints.{name}.asDefault: an admin entry point serves no routes");
            }
        }

        // UDP entry points are never defaults of HTTP/TCP routes (Traefik); routed holds the others.
        var marked = routed.Where(name => raw.EntryPoints[name].AsDefault).ToList();
        return [.. (marked.Count > 0 ? marked : [.. routed]).Order(StringComparer.Ordinal)];
    }

    public static ImmutableSortedDictionary<string, EntryPointModel> Models(StaticConfig raw, string fileName)
    {
        var models = ImmutableSortedDictionary.CreateBuilder<string, EntryPointModel>(StringComparer.Ordinal);
        foreach (var (name, ep) in raw.EntryPoints)
        {
            if (ep.Http is null && ep.Observability is null)
            {
                continue;
            }

            var http = ep.Http ?? new EntryPointHttpConfig();
            var where = $"{fileName}: entryPoints.{name}.{(ep.Http is null ? "observability" : "http")}";
            if (ep.Admin)
            {
                throw new StaticConfigException($"{where}: the admin entry point serves no routes (router defaults are not supported there)");
            }

            if (http.MaxHeaderBytes is <= 0)
            {
                throw new StaticConfigException($"{where}.maxHeaderBytes: must be greater than 0, got {http.MaxHeaderBytes}");
            }

            for (var i = 0; i < http.Middlewares.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(http.Middlewares[i]))
                {
                    throw new StaticConfigException($"{where}.middlewares[{i}]: a middleware name is required (<namespace>-<name>@kubernetescrd)");
                }
            }

            var model = new EntryPointModel
            {
                Middlewares = [.. http.Middlewares],
                Tls = http.Tls is { } tls ? Tls(tls, raw, $"{where}.tls") : null,
                Redirection = http.Redirections is { } redirections ? Redirection(redirections, raw, name, $"{where}.redirections") : null,
                Observability = ep.Observability is { } o ? Observability(o, $"{fileName}: entryPoints.{name}.observability") : null,
            };
            if (model.HasRouterDefaults || model.Redirection is not null)
            {
                models[name] = model;
            }
        }

        return models.ToImmutable();
    }

    private static ObservabilitySwitches Observability(EntryPointObservabilityConfig o, string where) =>
        o.TraceVerbosity is "minimal" or "detailed"
            ? new ObservabilitySwitches(o.AccessLogs, o.Metrics, o.Tracing, o.TraceVerbosity)
            : throw new StaticConfigException($"{where}.traceVerbosity: '{o.TraceVerbosity}' is not minimal or detailed");

    private static EntryPointTls Tls(EntryPointHttpTlsConfig tls, StaticConfig raw, string where)
    {
        if (!string.IsNullOrEmpty(tls.CertResolver) && !raw.CertificatesResolvers.ContainsKey(tls.CertResolver))
        {
            throw new StaticConfigException($"{where}.certResolver: '{tls.CertResolver}' is not defined in certificatesResolvers");
        }

        var domains = ImmutableArray.CreateBuilder<TlsDomain>(tls.Domains.Count);
        for (var i = 0; i < tls.Domains.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(tls.Domains[i].Main))
            {
                throw new StaticConfigException($"{where}.domains[{i}].main: a domain name is required");
            }

            domains.Add(new TlsDomain(tls.Domains[i].Main, [.. tls.Domains[i].Sans]));
        }

        return new EntryPointTls(string.IsNullOrEmpty(tls.Options) ? null : tls.Options,
            string.IsNullOrEmpty(tls.CertResolver) ? null : tls.CertResolver, domains.DrainToImmutable());
    }

    private static EntryPointRedirection Redirection(RedirectionsConfig redirections, StaticConfig raw, string name, string where)
    {
        if (redirections.EntryPoint is not { To.Length: > 0 } redirect)
        {
            throw new StaticConfigException($"{where}.entryPoint.to: name the entry point (or \":port\") to redirect to");
        }

        if (string.IsNullOrWhiteSpace(redirect.Scheme))
        {
            throw new StaticConfigException($"{where}.entryPoint.scheme: a scheme is required (default https)");
        }

        // Traefik (getRedirectPort): ":port" as written, else the port of the named entry point's address.
        string port;
        if (PortOnly().Match(redirect.To) is { Success: true } m)
        {
            port = m.Groups[1].Value;
        }
        else if (raw.EntryPoints.TryGetValue(redirect.To, out var target) && !target.Admin)
        {
            var colon = target.Address.LastIndexOf(':');
            port = colon >= 0 ? target.Address[(colon + 1)..] : "";
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new StaticConfigException($"{where}.entryPoint.to: entry point '{redirect.To}' has no port in its address '{target.Address}'");
            }
        }
        else
        {
            throw new StaticConfigException($"{where}.entryPoint.to: '{redirect.To}' is not a routed entry point of this config " +
                $"(defined: {string.Join(", ", raw.EntryPoints.Where(e => !e.Value.Admin && e.Key != name).Select(e => e.Key).Order(StringComparer.Ordinal))}) nor a \":port\"");
        }

        return new EntryPointRedirection(redirect.To, port, redirect.Scheme.ToLowerInvariant(), redirect.Permanent, redirect.Priority);
    }

    [GeneratedRegex(@"^:(\d+)$")]
    private static partial Regex PortOnly();
}
