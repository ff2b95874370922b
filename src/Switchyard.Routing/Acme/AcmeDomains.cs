using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Acme;

/// <summary>
/// Which certificates a resolver must obtain for a table: one domain set per router that names it — its
/// tls.domains (main + sans each) when given, otherwise the Host() names of its rule. Pure, so `validate`
/// and the data plane agree.
/// </summary>
public static class AcmeDomains
{
    /// <summary>Domain sets per resolver name, de-duplicated and sorted; plus diagnostics for routers with no domain.</summary>
    public static (ImmutableSortedDictionary<string, ImmutableArray<ImmutableArray<string>>> Sets, ImmutableArray<Diagnostic> Diagnostics)
        FromTable(RoutingTable table, IReadOnlySet<string>? knownResolvers = null)
    {
        var sets = new SortedDictionary<string, SortedDictionary<string, ImmutableArray<string>>>(StringComparer.Ordinal);
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var router in table.Routers)
        {
            if (router.Tls?.CertResolver is not { Length: > 0 } resolver)
            {
                continue;
            }

            if (knownResolvers is not null && !knownResolvers.Contains(resolver))
            {
                diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.AcmeResolverNotFound, "CertResolverNotFound",
                    router.Source, $"spec.routes[{router.RouteIndex}]",
                    $"router {router.Name} names certResolver '{resolver}', which the static configuration does not define"));
                continue;
            }

            var forRouter = new List<ImmutableArray<string>>();
            var wildcardsOnly = false;
            if (router.Tls.Domains.Length > 0)
            {
                forRouter.AddRange(router.Tls.Domains.Select(d =>
                    new[] { d.Main }.Concat(d.Sans).Select(n => n.ToLowerInvariant()).Distinct().ToImmutableArray()));
            }
            else if (router.Expression is { } expr && RuleAnalysis.HostNames(expr) is { Count: > 0 } all)
            {
                // Host(`*`) names no domain; Host(`*.a.com`) needs a wildcard certificate, which only DNS-01
                // validates (Traefik hands it to the CA, which refuses it on HTTP-01/TLS-ALPN-01): said, not ordered.
                var hosts = all.Where(h => !h.StartsWith('*')).ToList();
                foreach (var wildcard in all.Where(h => h.StartsWith('*') && h != "*"))
                {
                    diagnostics.Add(new Diagnostic(Severity.Warning, DiagnosticCodes.AcmeWildcardDomain, "CertResolverWildcard",
                        router.Source, $"spec.routes[{router.RouteIndex}]",
                        $"router {router.Name}: certResolver '{resolver}' cannot order '{wildcard}' (a wildcard needs the DNS-01 challenge, which is not supported); requests for it get the default certificate"));
                }

                wildcardsOnly = hosts.Count == 0 && all.Any(h => h.StartsWith('*') && h != "*");
                if (hosts.Count > 0)
                {
                    forRouter.Add(hosts.Select(h => h.ToLowerInvariant()).Distinct().OrderBy(h => h, StringComparer.Ordinal).ToImmutableArray());
                }
            }

            if (forRouter.Count == 0 && !wildcardsOnly)
            {
                diagnostics.Add(new Diagnostic(Severity.Warning, DiagnosticCodes.AcmeNoDomains, "CertResolverNoDomains",
                    router.Source, $"spec.routes[{router.RouteIndex}]",
                    $"router {router.Name} uses certResolver '{resolver}' but has no tls.domains and no Host() matcher: no certificate can be ordered"));
                continue;
            }

            if (forRouter.Count == 0)
            {
                continue;
            }

            if (!sets.TryGetValue(resolver, out var bySet))
            {
                sets[resolver] = bySet = new SortedDictionary<string, ImmutableArray<string>>(StringComparer.Ordinal);
            }

            foreach (var set in forRouter)
            {
                bySet[string.Join(",", set)] = set;
            }
        }

        // TLSStore default's defaultGeneratedCert: its resolver orders that domain set too; the certificate becomes
        // the default one (served when no other certificate matches the SNI).
        if (table.Tls.Stores.TryGetValue("default", out var store) && store is { DefaultCertResolver: { Length: > 0 } storeResolver, DefaultGeneratedDomains.IsDefaultOrEmpty: false })
        {
            if (knownResolvers is not null && !knownResolvers.Contains(storeResolver))
            {
                diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.AcmeResolverNotFound, "CertResolverNotFound", null, null,
                    $"TLSStore default: defaultGeneratedCert names resolver '{storeResolver}', which the static configuration does not define"));
            }
            else
            {
                if (!sets.TryGetValue(storeResolver, out var bySet))
                {
                    sets[storeResolver] = bySet = new SortedDictionary<string, ImmutableArray<string>>(StringComparer.Ordinal);
                }

                bySet[string.Join(",", store.DefaultGeneratedDomains)] = store.DefaultGeneratedDomains;
            }
        }

        return (sets.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.Values.ToImmutableArray(), StringComparer.Ordinal),
            diagnostics.ToImmutable());
    }
}
