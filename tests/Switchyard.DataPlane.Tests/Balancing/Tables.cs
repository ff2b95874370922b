using System.Collections.Immutable;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Tests.Balancing;

/// <summary>Small builders for routing tables used by the balancing tests.</summary>
internal static class Tables
{
    public static RoutingTable With(params (string Id, ServiceConfig Config)[] services) => With(services, []);

    public static RoutingTable With((string Id, ServiceConfig Config)[] services, (string Id, ServersTransportConfig Config)[] transports)
    {
        var table = RoutingTable.Empty;
        var s = table.Services.ToBuilder();
        foreach (var (id, config) in services)
        {
            s[id] = config;
        }

        var t = table.ServersTransports.ToBuilder();
        t["default"] = ServersTransportConfig.Default;
        foreach (var (id, config) in transports)
        {
            t[id] = config;
        }

        return table with { Services = s.ToImmutable(), ServersTransports = t.ToImmutable() };
    }

    public static LoadBalancerService Lb(
        IEnumerable<string> urls,
        BalancerStrategy strategy = BalancerStrategy.Wrr,
        string scheme = "h2c",
        HealthCheckConfig? health = null,
        PassiveHealthCheckConfig? passive = null,
        StickyCookie? sticky = null,
        string transport = "default") =>
        new([.. urls.Select(u => Core.TestTables.Server(u))], strategy, Core.TestTables.Scheme(scheme), true, transport, TimeSpan.FromMilliseconds(100), sticky, health, passive);

    public static LoadBalancerService Lb(ImmutableArray<ServerConfig> servers, BalancerStrategy strategy = BalancerStrategy.Wrr) =>
        new(servers, strategy, ServerScheme.H2c, true, "default", TimeSpan.FromMilliseconds(100), null, null, null);

    /// <summary>The h2c server URL of a cleartext test backend.</summary>
    public static string H2c(Switchyard.TestKit.GrpcTestBackend backend) => $"h2c://127.0.0.1:{backend.Port}";

    public static HealthCheckConfig Grpc(TimeSpan interval, string? service = null) =>
        new("grpc", null, "/", "GET", 0, null, interval, interval, TimeSpan.FromSeconds(2), null, true,
            ImmutableSortedDictionary<string, string>.Empty, service);

    public static HealthCheckConfig Http(TimeSpan interval, string path, int status = 0) =>
        new("http", null, path, "GET", status, null, interval, interval, TimeSpan.FromSeconds(2), null, true,
            ImmutableSortedDictionary<string, string>.Empty, null);
}
