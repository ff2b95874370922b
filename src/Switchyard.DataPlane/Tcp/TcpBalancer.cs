using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Tcp;

/// <summary>Where one connection goes: a server address with the transport to dial it.</summary>
internal sealed record TcpBackend(string Address, string Host, int Port, TcpServersTransportConfig Transport, bool Tls);

/// <summary>
/// A TCP service node made ready: round robin over a load balancer's servers, weighted round robin over children
/// (Traefik <c>pkg/tcp/wrr_load_balancer.go</c>). Thread-safe and allocation-free per pick.
/// </summary>
internal abstract class TcpBalancer
{
    public abstract TcpBackend? Next();

    /// <summary>Builds the node <paramref name="id"/> of a section's services (the compiler guarantees references resolve).</summary>
    public static TcpBalancer Build(string id, IReadOnlyDictionary<string, TcpServiceConfig> services,
        IReadOnlyDictionary<string, TcpServersTransportConfig> transports)
    {
        return services[id] switch
        {
            TcpLoadBalancer lb => new RoundRobin([.. lb.Servers.Select(s => Backend(s, transports.GetValueOrDefault(lb.ServersTransport) ?? TcpServersTransportConfig.Default, lb.Tls))]),
            TcpWeighted w => Weighted.Create(w.Children.Select(c => (Build(c.Service, services, transports), c.Weight)).ToList()),
            var other => throw new InvalidOperationException($"unknown TCP service node {other.GetType().Name}"),
        };
    }

    private static TcpBackend Backend(ServerConfig server, TcpServersTransportConfig transport, bool tls) =>
        new(server.Authority, server.Host, server.Port, transport, tls);

    private sealed class RoundRobin(TcpBackend[] servers) : TcpBalancer
    {
        private int _next = -1;

        public override TcpBackend? Next() =>
            servers.Length == 0 ? null : servers[(int)((uint)Interlocked.Increment(ref _next) % (uint)servers.Length)];
    }

    /// <summary>Children repeated by weight (divided by their GCD) and interleaved, so 3:1 sends a b a a, not a a a b.</summary>
    private sealed class Weighted(TcpBalancer[] slots) : TcpBalancer
    {
        private int _next = -1;

        public static TcpBalancer Create(List<(TcpBalancer Child, int Weight)> children)
        {
            var live = children.Where(c => c.Weight > 0).ToList();
            if (live.Count == 0)
            {
                return new Weighted([]);
            }

            var gcd = live.Select(c => c.Weight).Aggregate(Gcd);
            var weights = live.Select(c => c.Weight / gcd).ToArray();
            var total = weights.Sum();
            var slots = new TcpBalancer[Math.Min(total, 10_000)];
            var current = new int[live.Count];
            for (var s = 0; s < slots.Length; s++)
            {
                // Smooth weighted round robin (nginx): deterministic and evenly spread.
                var best = 0;
                for (var i = 0; i < live.Count; i++)
                {
                    current[i] += weights[i];
                    if (current[i] > current[best])
                    {
                        best = i;
                    }
                }

                current[best] -= total;
                slots[s] = live[best].Child;
            }

            return new Weighted(slots);
        }

        public override TcpBackend? Next() =>
            slots.Length == 0 ? null : slots[(int)((uint)Interlocked.Increment(ref _next) % (uint)slots.Length)].Next();

        private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
    }
}
