using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;
using Switchyard.Routing.Tcp;

namespace Switchyard.Routing.Compiler.Tcp;

/// <summary>
/// Each route of each IngressRouteTCP becomes a <see cref="TcpRouter"/> (Traefik <c>kubernetes_tcp.go</c> and the
/// checks of <c>pkg/server/router/tcp/manager.go</c>). Every check is per route: a bad rule, a missing
/// MiddlewareTCP or an unusable service drops that route with an error on its own field path.
/// </summary>
internal sealed class TcpRouterProcessor(
    CompileContext context,
    TlsProcessor tls,
    TcpServiceBuilder services,
    MiddlewareTcpProcessor middlewares,
    ServersTransportTcpProcessor transports)
{
    private readonly Dictionary<string, (ResourceRef Source, int Index)> _names = new(StringComparer.Ordinal);
    private readonly List<TcpRouter> _routers = [];

    public ImmutableArray<TcpRouter> Process()
    {
        foreach (var route in context.Snapshot.IngressRouteTcps
                     .OrderBy(r => CompileContext.NamespaceOf(r.Metadata), StringComparer.Ordinal)
                     .ThenBy(r => r.Metadata.Name, StringComparer.Ordinal)
                     .ThenBy(r => r.ApiVersion, StringComparer.Ordinal))
        {
            ProcessIngressRoute(route);
        }

        _routers.Sort(static (a, b) => a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority) : string.CompareOrdinal(a.Name, b.Name));
        return [.. _routers];
    }

    private void ProcessIngressRoute(IngressRouteTcp ingressRoute)
    {
        var owner = CompileContext.RefOf(ingressRoute);
        var spec = ingressRoute.Spec;
        var entryPoints = context.ResolveEntryPoints(spec.EntryPoints, owner);
        TcpRouterTls? routerTls = null;
        if (spec.Tls is { } t)
        {
            routerTls = ResolveTls(t, owner);
            if (routerTls is null)
            {
                return;
            }
        }

        for (var i = 0; i < spec.Routes.Count; i++)
        {
            if (CompileRoute(owner, spec.Routes[i], i, entryPoints, routerTls) is { } router)
            {
                _routers.Add(router);
            }
        }
    }

    /// <summary>Passthrough needs nothing more; termination uses the same certificates, TLSOptions and TLSStores as HTTP.</summary>
    private TcpRouterTls? ResolveTls(TlsTcp t, ResourceRef owner)
    {
        if (t.Passthrough == true)
        {
            return new TcpRouterTls(true, null, null, [], null, null);
        }

        var asHttp = new IngressRouteTls
        {
            SecretName = t.SecretName,
            Options = t.Options,
            Store = t.Store,
            CertResolver = t.CertResolver,
            Domains = t.Domains,
        };
        return tls.ResolveTls(asHttp, owner) is { } r
            ? new TcpRouterTls(false, r.Options, r.CertResolver, r.Domains, r.Certificate, r.Store)
            : null;
    }

    private TcpRouter? CompileRoute(ResourceRef owner, RouteTcp route, int index, ImmutableArray<string> entryPoints, TcpRouterTls? routerTls)
    {
        var field = $"spec.routes[{index}]";
        if (string.IsNullOrWhiteSpace(route.Match))
        {
            context.Error(DiagnosticCodes.EmptyMatch, "EmptyMatch", owner, field + ".match", "the route has an empty match rule");
            return null;
        }

        var ok = true;
        TcpRule? rule = null;
        if (route.Syntax == "v2")
        {
            context.Error(DiagnosticCodes.RuleSyntax, "UnsupportedSyntax", owner, field + ".syntax",
                "rule syntax v2 (deprecated) is not supported on TCP routers; write the rule in v3 syntax");
            ok = false;
        }
        else
        {
            var (parsed, error) = TcpRuleParser.Parse(route.Match);
            if (error is not null)
            {
                context.Error(DiagnosticCodes.RuleSyntax, "InvalidRule", owner, field + ".match", "invalid rule: " + error);
                ok = false;
            }

            rule = parsed;
        }

        // Traefik: a HostSNI rule without TLS is an error, except the HostSNI(`*`) catch-all (a cleartext connection has no SNI).
        if (rule is not null && routerTls is null && rule.Domains.Any(d => d != "*"))
        {
            context.Error(DiagnosticCodes.HostSniWithoutTls, "HostSNIWithoutTLS", owner, field + ".match",
                $"the rule `{route.Match}` matches an SNI but the IngressRouteTCP has no tls: cleartext connections carry no SNI (use HostSNI(`*`), or add tls)");
            ok = false;
        }

        var ids = new List<string>();
        for (var m = 0; m < (route.Middlewares?.Count ?? 0); m++)
        {
            ok &= middlewares.ResolveForRoute(route.Middlewares![m], owner, $"{field}.middlewares[{m}]", ids);
        }

        var name = Naming.RouterName(owner.Namespace, owner.Name, route.Match);
        var entries = Entries(route, owner, field, ref ok);
        var service = ok ? services.Root(entries, owner, field + ".services", name) : null;
        ok &= service is not null;

        if (_names.TryGetValue(name, out var first))
        {
            context.Error(DiagnosticCodes.DuplicateRouter, "DuplicateRouter", owner, field + ".match",
                $"this route compiles to router {name}, like {first.Source} spec.routes[{first.Index}] (same match); give it a different match");
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        _names[name] = (owner, index);
        var priority = route.Priority is { } p and not 0
            ? (int)Math.Clamp(p, int.MinValue, int.MaxValue)
            : TcpRuleParser.DefaultPriority(route.Match, rule!.IsCatchAll);
        return new TcpRouter(name, entryPoints, route.Match, priority, rule!.IsCatchAll, [.. ids], service!, routerTls, owner, index)
        {
            Matcher = rule.Matcher,
        };
    }

    private List<TcpServiceEntry> Entries(RouteTcp route, ResourceRef owner, string field, ref bool ok)
    {
        var entries = new List<TcpServiceEntry>();
        var list = route.Services ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var s = list[i];
            var at = $"{field}.services[{i}]";
            var ns = string.IsNullOrEmpty(s.Namespace) ? owner.Namespace : s.Namespace;
            // Traefik: the ServersTransportTCP lives in the Service's namespace; the deprecated per-service
            // terminationDelay applies only when no serversTransport is named, proxyProtocol always overrides.
            var transport = transports.Resolve(ns, s.ServersTransport, owner, at + ".serversTransport");
            if (transport is null)
            {
                ok = false;
                continue;
            }

            if (s.TerminationDelay is not null || s.ProxyProtocol is not null)
            {
                context.Warning(DiagnosticCodes.InvalidServiceValue, "Deprecated", owner, at,
                    "terminationDelay and proxyProtocol on a service are deprecated; set them on a ServersTransportTCP");
            }

            transport = transports.WithServiceOverrides(transport, string.IsNullOrEmpty(s.ServersTransport) ? s.TerminationDelay : null, s.ProxyProtocol);
            entries.Add(new TcpServiceEntry(s.Name, s.Namespace, s.Port, s.Weight, s.NativeLB, transport, s.Tls ?? false, s.NodePortLB));
        }

        return entries;
    }
}
