using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.Commands;

/// <summary>
/// The X-Forwarded-* / X-Real-Ip values the backend of the winning router receives, computed as the data plane
/// does (Traefik's order): the entry point sets them for a client it does not trust (explain has no static
/// config, so the client is untrusted), the router's headers middlewares may change them, and the forwarder
/// appends the client to X-Forwarded-For.
/// </summary>
internal static class ExplainForwardedHeaders
{
    public static void Print(RoutingTable table, Router winner, IRequestFacts request)
    {
        var client = request.ClientAddress?.ToString() ?? "";
        var proto = request.IsTls ? "https" : "http";
        var values = new SortedDictionary<string, (string Value, string By)>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-Forwarded-Proto"] = (proto, "entry point"),
            ["X-Forwarded-Host"] = (request.Host, "entry point"),
            ["X-Forwarded-Port"] = (Port(request.Host, proto), "entry point"),
            ["X-Forwarded-Server"] = ("<the gateway's host name>", "entry point"),
            ["X-Real-Ip"] = (client, "entry point"),
        };

        foreach (var id in winner.Middlewares)
        {
            if (!table.Middlewares.TryGetValue(id, out var config) || config is not HeadersConfig headers)
            {
                continue;
            }

            foreach (var (name, value) in headers.CustomRequestHeaders)
            {
                if (!name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase) && !name.Equals("X-Real-Ip", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (value.Length == 0)
                {
                    values.Remove(name);
                }
                else
                {
                    values[name] = (value, id);
                }
            }
        }

        var forwardedFor = values.TryGetValue("X-Forwarded-For", out var set) ? (set.Value + ", " + client, set.By + " + forwarder") : (client, "forwarder");
        values["X-Forwarded-For"] = forwardedFor;
        Console.WriteLine("  forwarded headers the backend receives (client not trusted by the entry point):");
        foreach (var (name, (value, by)) in values)
        {
            Console.WriteLine($"    {name}: {value}  (set by {by})");
        }
    }

    // Traefik: the Host's port, else 443 for https, else 80.
    private static string Port(string host, string proto)
    {
        var colon = host.LastIndexOf(':');
        return colon > 0 && colon > host.LastIndexOf(']') && int.TryParse(host.AsSpan(colon + 1), out var port)
            ? port.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : proto == "https" ? "443" : "80";
    }
}
