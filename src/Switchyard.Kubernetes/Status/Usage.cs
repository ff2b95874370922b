using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;

namespace Switchyard.Kubernetes.Status;

/// <summary>
/// Which IngressRoutes (IngressRouteTCPs) reference which Middleware, TraefikService, ServersTransport, TLSOption and
/// TLSStore (MiddlewareTCP, ServersTransportTCP, TLSOption, TLSStore), as written in their specs.
/// </summary>
internal sealed class Usage
{
    private readonly Dictionary<ResourceRef, SortedSet<string>> _users = [];

    public static Usage Of(ClusterSnapshot snapshot)
    {
        var usage = new Usage();
        foreach (var route in snapshot.IngressRoutes)
        {
            var owner = ResourceRefs.Of(route);
            var user = $"{owner.Kind}/{owner.Namespace}/{owner.Name}";
            foreach (var r in route.Spec.Routes)
            {
                foreach (var m in r.Middlewares ?? [])
                {
                    usage.Add(TraefikApi.MiddlewareKind, m.Namespace ?? owner.Namespace, m.Name, user);
                }

                foreach (var s in r.Services ?? [])
                {
                    if (s.Kind == TraefikApi.TraefikServiceKind)
                    {
                        usage.Add(TraefikApi.TraefikServiceKind, s.Namespace ?? owner.Namespace, s.Name, user);
                    }

                    if (!string.IsNullOrEmpty(s.ServersTransport))
                    {
                        usage.Add(TraefikApi.ServersTransportKind, s.Namespace ?? owner.Namespace, s.ServersTransport, user);
                    }
                }
            }

            usage.AddTls(route.Spec.Tls?.Options, route.Spec.Tls?.Store, owner.Namespace, user);
        }

        foreach (var route in snapshot.IngressRouteTcps)
        {
            var owner = ResourceRefs.Of(route);
            var user = $"{owner.Kind}/{owner.Namespace}/{owner.Name}";
            foreach (var r in route.Spec.Routes)
            {
                foreach (var m in r.Middlewares ?? [])
                {
                    usage.Add(TraefikApi.MiddlewareTcpKind, m.Namespace ?? owner.Namespace, m.Name, user);
                }

                foreach (var s in r.Services ?? [])
                {
                    // Traefik: a ServersTransportTCP lives in the namespace of the Service that names it.
                    if (!string.IsNullOrEmpty(s.ServersTransport))
                    {
                        usage.Add(TraefikApi.ServersTransportTcpKind, s.Namespace ?? owner.Namespace, s.ServersTransport, user);
                    }
                }
            }

            usage.AddTls(route.Spec.Tls?.Options, route.Spec.Tls?.Store, owner.Namespace, user);
        }

        return usage;
    }

    public IReadOnlyList<string> UsersOf(ResourceRef resource) =>
        _users.TryGetValue(resource, out var set) ? [.. set] : [];

    /// <summary>The TLSOption and TLSStore a route object's tls names (IngressRoute and IngressRouteTCP alike).</summary>
    private void AddTls(TlsOptionRef? options, TlsStoreRef? store, string ns, string user)
    {
        if (options is not null)
        {
            Add(TraefikApi.TlsOptionKind, options.Namespace ?? ns, options.Name, user);
        }

        if (store is not null)
        {
            Add(TraefikApi.TlsStoreKind, store.Namespace ?? ns, store.Name, user);
        }
    }

    private void Add(string kind, string ns, string name, string user)
    {
        var key = new ResourceRef(kind, ns, name);
        if (!_users.TryGetValue(key, out var set))
        {
            set = new SortedSet<string>(StringComparer.Ordinal);
            _users[key] = set;
        }

        set.Add(user);
    }
}
