using System.Net;
using Switchyard.Routing.Table;
using Switchyard.Routing.Tcp;

namespace Switchyard.Commands;

/// <summary>
/// `switchyard explain --sni NAME`: which TCP router takes a TLS ClientHello with that SNI on each entry point, in the
/// order the entry point's connection router decides (src/Switchyard.DataPlane/Tcp/TcpEntryPointRouter.cs, Traefik's
/// pkg/server/router/tcp/router.go): a TLS router with a rule beyond HostSNI(`*`) first, then HTTPS when the entry
/// point serves it, then the TLS HostSNI(`*`) catch-all; nothing claimed ⇒ the connection goes to HTTP.
/// </summary>
internal static class ExplainSni
{
    /// <param name="servesHttps">Whether an entry point terminates TLS for HTTP; null when no static config says so.</param>
    public static int Explain(RoutingTable table, string sni, IReadOnlyList<string> alpn, IPAddress client, string? entryPoint,
        Func<string, bool?> servesHttps)
    {
        var name = TcpConnectionInfo.CanonicalServerName(sni);
        var info = new TcpConnectionInfo(name, client, alpn);
        var entryPoints = entryPoint is not null ? [entryPoint]
            : table.Tcp.Routers.SelectMany(r => r.EntryPoints).Concat(table.Routers.SelectMany(r => r.EntryPoints))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Console.WriteLine($"connection: TLS ClientHello, SNI {(name.Length == 0 ? "(none)" : name)}, ALPN {(alpn.Count == 0 ? "(none)" : string.Join(",", alpn))}, client {client}" +
            $" (entry point: {entryPoint ?? "each"})");
        var claimed = false;
        foreach (var ep in entryPoints)
        {
            claimed |= ExplainEntryPoint(table, info, ep, servesHttps(ep));
        }

        return claimed ? 0 : 1;
    }

    private static bool ExplainEntryPoint(RoutingTable table, TcpConnectionInfo info, string entryPoint, bool? servesHttps)
    {
        var tls = table.Tcp.Routers.Where(r => r.Tls is not null && r.EntryPoints.Contains(entryPoint)).ToList();
        var httpsRouters = table.Routers.Count(r => r.Tls is not null && r.EntryPoints.Contains(entryPoint));
        // Without a static config, an entry point is taken to serve HTTPS when TLS HTTP routers are on it.
        var https = servesHttps ?? httpsRouters > 0;
        Console.WriteLine($"entry point {entryPoint}:");
        if (info.AlpnProtocols.Contains("acme-tls/1"))
        {
            Console.WriteLine("  ACME TLS-ALPN-01 handshake: always answered by the gateway (HTTPS side), never by a TCP router");
            return false;
        }

        var winner = tls.FirstOrDefault(r => !r.IsCatchAll && r.Matcher.Matches(info))
            ?? (https ? null : tls.FirstOrDefault(r => r.IsCatchAll && r.Matcher.Matches(info)));
        if (winner is null)
        {
            Console.WriteLine(https
                ? $"  no TCP router claims it: the connection goes on to HTTPS ({httpsRouters} HTTP router(s) with tls; `explain --tls --host {(info.ServerName.Length == 0 ? "HOST" : info.ServerName)}` says which)"
                : "  no TCP router claims it, and the entry point serves no HTTPS: the connection goes to HTTP, which does not speak TLS there");
            return false;
        }

        Console.WriteLine($"  tcp router: {winner.Name} (priority {winner.Priority})");
        Console.WriteLine($"    from: {winner.Source} spec.routes[{winner.RouteIndex}]");
        Console.WriteLine($"    rule: {winner.Rule}");
        Console.WriteLine($"    entry points: {string.Join(", ", winner.EntryPoints)}");
        Console.WriteLine(winner.Tls!.Passthrough
            ? "    tls: passthrough (the backend terminates TLS; its certificate reaches the client)"
            : $"    tls: terminated here, options {winner.Tls.Options ?? "default"}" + (winner.Tls.Certificate is null ? "" : $", certificate {winner.Tls.Certificate}"));
        if (winner.IsCatchAll && https is false)
        {
            Console.WriteLine("    (the HostSNI(`*`) catch-all: taken because the entry point serves no HTTPS)");
        }

        Console.WriteLine(winner.Middlewares.IsEmpty ? "    middlewares: none" : $"    middlewares (in order): {string.Join(", ", winner.Middlewares)}");
        Console.WriteLine("    service:");
        PrintService(table.Tcp, winner.Service, "      ", "");
        foreach (var other in tls.Where(r => !ReferenceEquals(r, winner) && r.Matcher.Matches(info)))
        {
            Console.WriteLine($"  also matched (not used): {other.Name} (priority {other.Priority}) {other.Rule}");
        }

        return true;
    }

    private static void PrintService(TcpSection section, string id, string indent, string label)
    {
        switch (section.Services.GetValueOrDefault(id))
        {
            case TcpLoadBalancer lb:
                Console.WriteLine($"{indent}{label}{id}: round robin over {lb.Servers.Length} server(s), transport {lb.ServersTransport}{(lb.Tls ? ", TLS to the servers" : "")}");
                foreach (var server in lb.Servers)
                {
                    Console.WriteLine($"{indent}  {server.Authority}{(server.Terminating ? " (terminating: no new connections)" : "")}");
                }

                break;
            case TcpWeighted w:
                Console.WriteLine($"{indent}{label}{id}: weighted");
                foreach (var child in w.Children)
                {
                    PrintService(section, child.Service, indent + "  ", $"weight {child.Weight} → ");
                }

                break;
            default:
                Console.WriteLine($"{indent}{label}{id}");
                break;
        }
    }
}
