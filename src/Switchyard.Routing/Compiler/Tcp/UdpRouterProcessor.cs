using System.Collections.Immutable;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Tcp;

/// <summary>
/// Each route of each IngressRouteUDP becomes a <see cref="UdpRouter"/> named <c>namespace-name-index</c> (Traefik
/// <c>kubernetes_udp.go</c>). UDP has no rule: every datagram of the entry point goes to the route's services.
/// </summary>
internal sealed class UdpRouterProcessor(CompileContext context, TcpServiceBuilder services)
{
    public ImmutableArray<UdpRouter> Process()
    {
        var routers = new List<UdpRouter>();
        foreach (var route in context.Snapshot.IngressRouteUdps
                     .OrderBy(r => CompileContext.NamespaceOf(r.Metadata), StringComparer.Ordinal)
                     .ThenBy(r => r.Metadata.Name, StringComparer.Ordinal)
                     .ThenBy(r => r.ApiVersion, StringComparer.Ordinal))
        {
            var owner = CompileContext.RefOf(route);
            // Traefik (runtime_udp.go): a UDP router without entryPoints is served on every UDP entry point.
            var entryPoints = route.Spec.EntryPoints is { Count: > 0 }
                ? context.ResolveEntryPoints(route.Spec.EntryPoints, owner)
                : context.Options.UdpEntryPoints;
            for (var i = 0; i < route.Spec.Routes.Count; i++)
            {
                var name = Naming.Normalize($"{owner.Namespace}-{owner.Name}-{i}");
                var entries = (route.Spec.Routes[i].Services ?? [])
                    .Select(s => new TcpServiceEntry(s.Name, s.Namespace, s.Port, s.Weight, s.NativeLB, "default", false, s.NodePortLB))
                    .ToList();
                if (services.Root(entries, owner, $"spec.routes[{i}].services", name) is { } service)
                {
                    routers.Add(new UdpRouter(name, entryPoints, service, owner, i));
                }
            }
        }

        routers.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return [.. routers];
    }
}
