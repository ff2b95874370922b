using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Tcp;

/// <summary>
/// Compiles the TCP and UDP sections of a table (after TLS, so terminating TCP routers add their certificates to
/// the same stores HTTP routers use): transports, then middlewares, then routers with their services.
/// </summary>
internal static class TcpSections
{
    public static (TcpSection Tcp, UdpSection Udp) Compile(CompileContext context, TlsProcessor tls, KubernetesServiceBuilder kubernetes)
    {
        if (context.Snapshot.IngressRouteTcps.IsEmpty && context.Snapshot.IngressRouteUdps.IsEmpty &&
            context.Snapshot.MiddlewareTcps.IsEmpty && context.Snapshot.ServersTransportTcps.IsEmpty)
        {
            return (TcpSection.Empty, UdpSection.Empty);
        }

        var transports = new ServersTransportTcpProcessor(context);
        var middlewares = new MiddlewareTcpProcessor(context);
        var tcpServices = new TcpServiceBuilder(context, kubernetes);
        var routers = new TcpRouterProcessor(context, tls, tcpServices, middlewares, transports).Process();
        var udpServices = new TcpServiceBuilder(context, kubernetes);
        var udpRouters = new UdpRouterProcessor(context, udpServices).Process();

        var services = tcpServices.Reachable(routers.Select(r => r.Service));
        var used = services.Values.OfType<TcpLoadBalancer>().Select(lb => lb.ServersTransport);
        var tcp = new TcpSection(routers, services, middlewares.Table, transports.Table(used));
        var udp = new UdpSection(udpRouters, udpServices.Reachable(udpRouters.Select(r => r.Service)));
        return (tcp, udp);
    }
}
