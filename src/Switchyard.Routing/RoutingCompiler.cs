using Switchyard.Model;
using Switchyard.Routing.Compiler;
using Switchyard.Routing.Compiler.GatewayApi;
using Switchyard.Routing.Compiler.Ingresses;
using Switchyard.Routing.Compiler.Tcp;
using Switchyard.Routing.Table;

namespace Switchyard.Routing;

/// <summary>
/// ClusterSnapshot → RoutingTable + diagnostics. Pure (no I/O, no clock, no logger) and deterministic:
/// objects are processed in namespace/name order and every collection of the output is sorted, so the same
/// snapshot gives byte-identical <see cref="RoutingTableJson"/> output whatever the input order.
/// Errors never fail the whole table: each one disables only the routes that depend on the broken object.
/// </summary>
public static class RoutingCompiler
{
    public static CompileResult Compile(ClusterSnapshot snapshot, ProviderOptions? options = null)
    {
        var context = new CompileContext(snapshot, options ?? ProviderOptions.Default);

        // The processors run in dependency order; each reports on its own objects only.
        // 1. TLS (options, stores, certificates): routers reference them.
        var tls = new TlsProcessor(context);
        // 2. ServersTransports: Kubernetes service load balancers reference them.
        var transports = new ServersTransportProcessor(context);
        // 3. Services: Kubernetes Service ports on demand, every TraefikService eagerly (cycle detection).
        // 4. Middlewares (errors.service needs services; forwardAuth.tls adds transports).
        // The two need each other (an errors page service, service entries' own middlewares): both are wired first,
        // then TraefikServices are built and middlewares mapped, each resolving the other on first use.
        var registry = new ServiceRegistry();
        var kubernetes = new KubernetesServiceBuilder(context, transports, registry);
        var services = new ServiceResolver(context, kubernetes, registry);
        var middlewares = new MiddlewareProcessor(context, services, transports);
        kubernetes.Middlewares = middlewares;
        services.ProcessAll();
        middlewares.MapAll();
        // 5. Routers: rules, middleware references, service references, TLS references.
        var routers = new RouterProcessor(context, tls, services, middlewares).Process();
        // 5b. Kubernetes Ingresses: a translation stage of their own onto the same services, middlewares and TLS,
        // with the kubernetesIngress provider's service options.
        var ingresses = new IngressProcessor(context, tls, new KubernetesServiceBuilder(context, transports, registry, context.Options.Ingress) { Middlewares = middlewares }, middlewares).Process();
        if (!ingresses.IsEmpty)
        {
            routers = [.. routers.Concat(ingresses).Order(Comparer<Router>.Create(RouterOrder.Compare))];
        }

        // 5c. Gateway API (GatewayClass → Gateway listeners → HTTPRoute/GRPCRoute routers); its filters add middlewares.
        var gatewayApi = new GatewayApiProcessor(context, tls, kubernetes, services.Registry, middlewares, transports);
        var gatewayReport = gatewayApi.Process();
        if (gatewayApi.Routers.Count > 0)
        {
            routers = [.. routers.Concat(gatewayApi.Routers).Order(Comparer<Router>.Create(RouterOrder.Compare))];
        }

        // 5d. The static config's entry-point options (on the routers of every provider, as Traefik's applyModel):
        // redirect routers, entry-point middlewares and default TLS.
        routers = new EntryPointModelProcessor(context, tls, middlewares, registry).Apply(routers);
        // 6. TCP and UDP routers (IngressRouteTCP/UDP), their MiddlewareTCPs, ServersTransportTCPs and services.
        var (tcp, udp) = TcpSections.Compile(context, tls, kubernetes);

        // Only nodes something uses make it into the table: a dropped route leaves nothing behind.
        var roots = routers.Select(r => r.Service).Concat(middlewares.ServiceRoots);
        var middlewareTable = middlewares.Table.AddRange(gatewayApi.Middlewares);
        var table = new RoutingTable(routers, registry.Reachable(roots), middlewareTable, transports.All, tls.Table()) { Tcp = tcp, Udp = udp };
        return new CompileResult(table, context.TakeDiagnostics()) { GatewayApi = gatewayReport };
    }
}
