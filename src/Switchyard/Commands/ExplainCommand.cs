using System.CommandLine;
using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.Commands;

/// <summary>
/// `switchyard explain [--config FILE] --host H --path P [--method M] [--header k=v]… [--entrypoint E] [--tls] PATH…`
/// (or `--sni NAME` for a TLS connection, see <see cref="ExplainSni"/>):
/// compiles the manifests and walks the routers the way the data plane does (priority order, first match
/// wins), then prints the winner, the priorities of the others that matched, the winner's middlewares and its
/// service tree down to the servers. Exit code 0 when a router matches, 1 when none does, 2 on bad input.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var input = new ManifestInput();
        var host = new Option<string>("--host") { Description = "Request host (Host header or :authority); required unless --sni is given." };
        var sni = new Option<string?>("--sni") { Description = "Explain a TLS connection instead: the SNI of its ClientHello (which TCP router takes it, or HTTPS)." };
        var alpn = new Option<string[]>("--alpn") { Description = "With --sni: an ALPN protocol the ClientHello offers (repeatable)." };
        var path = new Option<string>("--path") { Description = "Request path, optionally with ?query.", DefaultValueFactory = _ => "/" };
        var method = new Option<string>("--method") { Description = "HTTP method (gRPC calls are POST).", DefaultValueFactory = _ => "GET" };
        var headers = new Option<string[]>("--header") { Description = "Request header as name=value (repeatable)." };
        var entryPoint = new Option<string?>("--entrypoint") { Description = "Only routers of this entry point (default: any)." };
        var tls = new Option<bool>("--tls") { Description = "The request arrives over TLS (only TLS routers match)." };
        var clientIp = new Option<string>("--client-ip") { Description = "Client address for ClientIP rules.", DefaultValueFactory = _ => "127.0.0.1" };

        var command = new Command("explain", "Say which router a request would take, its middlewares and its services down to the servers.");
        command.Options.Add(host);
        command.Options.Add(path);
        command.Options.Add(method);
        command.Options.Add(headers);
        command.Options.Add(entryPoint);
        command.Options.Add(tls);
        command.Options.Add(clientIp);
        command.Options.Add(sni);
        command.Options.Add(alpn);
        input.AddTo(command);
        command.SetAction(parse =>
        {
            if (!input.TryResolve(parse, "explain", out var loaded, out var paths)
                || ManifestInput.Files(paths, [], loaded?.FolderLimits) is not { } files)
            {
                return 2;
            }

            if (!IPAddress.TryParse(parse.GetValue(clientIp), out var address))
            {
                Console.Error.WriteLine($"switchyard explain: --client-ip '{parse.GetValue(clientIp)}' is not an IP address");
                return 2;
            }

            var result = RoutingCompiler.Compile(ManifestInput.Load(files, null, loaded?.FolderLimits), input.Options(parse, loaded?.Provider));
            if (parse.GetValue(sni) is { } serverName)
            {
                var configured = loaded?.EntryPoints.ToDictionary(e => e.Name, e => e.Tls, StringComparer.Ordinal);
                return ExplainSni.Explain(result.Table, serverName, parse.GetValue(alpn) ?? [], address, parse.GetValue(entryPoint),
                    ep => configured is null ? null : configured.GetValueOrDefault(ep));
            }

            if (parse.GetValue(host) is not { Length: > 0 } hostName)
            {
                Console.Error.WriteLine("switchyard explain: --host is required (or --sni for a TLS connection)");
                return 2;
            }

            var headerPairs = new List<KeyValuePair<string, string>>();
            foreach (var h in parse.GetValue(headers) ?? [])
            {
                var eq = h.IndexOf('=');
                if (eq <= 0)
                {
                    Console.Error.WriteLine($"switchyard explain: --header '{h}' is not name=value");
                    return 2;
                }

                headerPairs.Add(new(h[..eq].Trim(), h[(eq + 1)..].Trim()));
            }

            var request = new ExplainRequest(parse.GetValue(method)!.ToUpperInvariant(), hostName, parse.GetValue(path)!,
                address, parse.GetValue(tls), headerPairs);
            return Explain(result, request, parse.GetValue(entryPoint));
        });
        return command;
    }

    private static int Explain(CompileResult result, ExplainRequest request, string? entryPoint)
    {
        var table = result.Table;
        Console.WriteLine($"request: {request.Method} {(request.IsTls ? "https" : "http")}://{request.Host}{request.Path}{request.QueryText}" +
            $" (entry point: {entryPoint ?? "any"})");
        var errors = result.Diagnostics.Count(d => d.Severity == Severity.Error);
        if (errors > 0)
        {
            Console.WriteLine($"note: the manifests have {errors} error(s); routes with errors are not in the table (run `switchyard validate`).");
        }

        // The winner is chosen by the data plane's own router index (host/path conditions read off each router's
        // compiled tree); the other matching routers are listed for the reader.
        var index = RouterIndex.Build(table.Routers
            .Where(r => entryPoint is null || r.EntryPoints.Contains(entryPoint))
            .Where(r => (r.Tls is not null) == request.IsTls));
        if (index.Match(request) is not { } winner)
        {
            Console.WriteLine($"no router matches: the gateway answers 404 (gRPC callers get status 12 UNIMPLEMENTED). {table.Routers.Length} router(s) checked.");
            return 1;
        }

        var matched = index.Routers.Where(r => r.Matcher.Matches(request)).ToList();
        Console.WriteLine($"router: {winner.Name} (priority {winner.Priority})");
        // An Ingress router comes from one of its rules (or, for Traefik's default-router, its defaultBackend); an
        // entry point's redirect router from the static config.
        var from = winner.Source.Kind switch
        {
            "EntryPoint" => $"the static config, entryPoints.{winner.Source.Name}.http.redirections",
            "Ingress" => winner.Name == "default-router" ? $"{winner.Source} spec.defaultBackend" : $"{winner.Source} spec.rules[{winner.RouteIndex}]",
            _ => $"{winner.Source} spec.routes[{winner.RouteIndex}]",
        };
        Console.WriteLine($"  from: {from}");
        Console.WriteLine($"  rule: {winner.Rule}");
        if (winner.Parent is { } parent)
        {
            // Multi-layer routing: reached only through the parent (its rule, then its middlewares, first).
            Console.WriteLine($"  parent: {parent.Router} ({parent.Source}); child rule: {parent.ChildRule}, priority {parent.ChildPriority} among the parent's children");
        }
        Console.WriteLine($"  entry points: {string.Join(", ", winner.EntryPoints)}");
        if (winner.Tls is { } t)
        {
            Console.WriteLine($"  tls: options {t.Options ?? "default"}, store {t.Store ?? "default"}" +
                (t.Certificate is null ? "" : $", certificate {t.Certificate}") + (t.CertResolver is null ? "" : $", certResolver {t.CertResolver}"));
        }

        Console.WriteLine(winner.Middlewares.IsEmpty ? "  middlewares: none" : "  middlewares (in order):");
        for (var i = 0; i < winner.Middlewares.Length; i++)
        {
            var id = winner.Middlewares[i];
            Console.WriteLine($"    {i + 1}. {id}{(table.Middlewares.TryGetValue(id, out var m) ? " " + Describe(m) : "")}");
            if (m is not null && Switchyard.DataPlane.Middlewares.MiddlewareRegistry.IsPerRouter(m))
            {
                // Traefik builds middlewares per router: this router's limits, counters or breaker are its own.
                Console.WriteLine($"       instance {id}@{winner.Name}: state of its own, not shared with other routers using {id}");
            }
        }

        ExplainForwardedHeaders.Print(table, winner, request);
        ExplainWarnings.Print(result, winner);
        Console.WriteLine("  service:");
        PrintService(table, winner.Service, "    ", "", []);
        if (matched.Count > 1)
        {
            Console.WriteLine("also matched (lower in priority order, not used):");
            foreach (var other in matched.Where(r => !ReferenceEquals(r, winner)))
            {
                Console.WriteLine($"  {other.Name} (priority {other.Priority}) {other.Rule}");
            }
        }

        return 0;
    }

    private static void PrintService(RoutingTable table, string id, string indent, string label, HashSet<string> seen)
    {
        if (!table.Services.TryGetValue(id, out var service) || !seen.Add(id))
        {
            Console.WriteLine($"{indent}{label}{id}");
            return;
        }

        switch (service)
        {
            case LoadBalancerService lb:
                Console.WriteLine($"{indent}{label}{id}: {lb.Strategy.ToString().ToLowerInvariant()} over {lb.Servers.Length} server(s), scheme {Switchyard.DataPlane.Forwarding.BackendServers.SchemeName(lb.Scheme)}, transport {lb.ServersTransport}" +
                    (lb.HealthCheck is { } hc ? $", health check {hc.Mode} every {hc.Interval.TotalSeconds:0.###}s" : ""));
                foreach (var server in lb.Servers)
                {
                    Console.WriteLine($"{indent}  {Switchyard.DataPlane.Forwarding.BackendServers.SchemeName(lb.Scheme)}://{server.Authority}{(server.Weight != 1 ? $" weight {server.Weight}" : "")}{(server.Terminating ? " (terminating: no new calls)" : "")}");
                }

                break;
            case WeightedService w:
                Console.WriteLine($"{indent}{label}{id}: weighted{(w.Sticky is null ? "" : $", sticky cookie {w.Sticky.Name}")}");
                var total = w.Services.Sum(c => c.Weight);
                foreach (var child in w.Services)
                {
                    var share = total == 0 ? 0 : 100.0 * child.Weight / total;
                    PrintService(table, child.Service, indent + "  ", $"weight {child.Weight} ({share:0.#}%) → ", seen);
                }

                break;
            case HighestRandomWeightService h:
                Console.WriteLine($"{indent}{label}{id}: highestRandomWeight (by client IP)");
                foreach (var child in h.Services)
                {
                    PrintService(table, child.Service, indent + "  ", $"weight {child.Weight} → ", seen);
                }

                break;
            case MirroringService m:
                Console.WriteLine($"{indent}{label}{id}: mirroring");
                PrintService(table, m.Service, indent + "  ", "main → ", seen);
                foreach (var mirror in m.Mirrors)
                {
                    PrintService(table, mirror.Service, indent + "  ", $"mirror {mirror.Percent}% → ", seen);
                }

                break;
            case FailoverService f:
                Console.WriteLine(f.Errors is { } errors
                    ? $"{indent}{label}{id}: failover (also on main's status {string.Join(", ", errors.Status)})"
                    : $"{indent}{label}{id}: failover");
                PrintService(table, f.Service, indent + "  ", "main → ", seen);
                PrintService(table, f.Fallback, indent + "  ", "fallback → ", seen);
                break;
            case ErrorService e:
                Console.WriteLine($"{indent}{label}{id}: answers {e.StatusCode} ({e.Reason})");
                break;
        }

        seen.Remove(id);
    }

    // Traefik's type names from the one middleware catalogue (a deprecated spelling names the same record second).
    private static readonly Dictionary<Type, string> TypeNames = Switchyard.Routing.Compiler.Middlewares.MiddlewareCatalogue.All
        .Where(k => k.ConfigType is not null && k.DeprecatedFor is null)
        .GroupBy(k => k.ConfigType!)
        .ToDictionary(g => g.Key, g => g.First().Name);

    /// <summary>The middleware's type and settings on one line (the JSON of the table, shortened).</summary>
    private static string Describe(MiddlewareConfig config)
    {
        var json = JsonSerializer.Serialize(config, config.GetType(), RoutingTableJson.Options)
            .Replace("\n", " ", StringComparison.Ordinal);
        while (json.Contains("  ", StringComparison.Ordinal))
        {
            json = json.Replace("  ", " ", StringComparison.Ordinal);
        }

        if (json.Length > 160)
        {
            json = json[..157] + "...";
        }

        return $"({TypeNames.GetValueOrDefault(config.GetType(), config.GetType().Name)}) {json}";
    }

    /// <summary>The request being explained, as the rule matchers see it.</summary>
    private sealed class ExplainRequest : IRequestFacts
    {
        private readonly List<KeyValuePair<string, string>> _headers;
        private readonly List<KeyValuePair<string, string>> _query = [];

        public ExplainRequest(string method, string host, string pathAndQuery, IPAddress client, bool tls, List<KeyValuePair<string, string>> headers)
        {
            Method = method;
            Host = host;
            ClientAddress = client;
            IsTls = tls;
            _headers = headers;
            var q = pathAndQuery.IndexOf('?');
            Path = q < 0 ? pathAndQuery : pathAndQuery[..q];
            if (!Path.StartsWith('/'))
            {
                Path = "/" + Path;
            }

            if (q >= 0)
            {
                QueryText = pathAndQuery[q..];
                foreach (var pair in pathAndQuery[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
                {
                    var eq = pair.IndexOf('=');
                    _query.Add(eq < 0
                        ? new(Uri.UnescapeDataString(pair), "")
                        : new(Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..])));
                }
            }
        }

        public string Method { get; }

        public string Host { get; }

        public string Path { get; }

        public string QueryText { get; } = "";

        public IPAddress? ClientAddress { get; }

        public bool IsTls { get; }

        public bool AnyHeaderValue(string name, Func<string, bool> predicate) =>
            (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase) && predicate(Host))
            || _headers.Any(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase) && predicate(h.Value));

        public bool AnyQueryValue(string name, Func<string, bool> predicate) =>
            _query.Any(q => string.Equals(q.Key, name, StringComparison.Ordinal) && predicate(q.Value));
    }
}
