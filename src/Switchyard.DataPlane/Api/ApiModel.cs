using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Api;

/// <summary>
/// Traefik's API representations (pkg/api/handler_http.go routerRepresentation / serviceRepresentation /
/// middlewareRepresentation over pkg/config/runtime RouterInfo / ServiceInfo / MiddlewareInfo) built from the
/// table being served, plus what Traefik lacks: each server's health (active verdict with the last probe,
/// passive ejection) and each resource's diagnostics with file:line or namespace/name. Built per API request.
/// </summary>
internal static class ApiModel
{
    /// <summary>Traefik's provider of everything read from IngressRoute-family manifests (cluster or folder).</summary>
    public const string Provider = "kubernetescrd";

    public static JsonObject Router(Router r, ApiView view)
    {
        var node = new JsonObject
        {
            ["entryPoints"] = Strings(r.EntryPoints),
            ["middlewares"] = r.Middlewares.IsEmpty ? null : Strings(r.Middlewares),
            ["service"] = r.Service,
            ["rule"] = r.Rule,
            ["ruleSyntax"] = r.RuleSyntax,
            ["priority"] = r.Priority,
            ["tls"] = r.Tls is { } tls ? new JsonObject
            {
                ["options"] = tls.Options ?? "default",
                ["certResolver"] = tls.CertResolver,
                ["domains"] = tls.Domains.IsEmpty ? null
                    : new JsonArray([.. tls.Domains.Select(d => (JsonNode)new JsonObject { ["main"] = d.Main, ["sans"] = Strings(d.Sans) })]),
            } : null,
            ["observability"] = new JsonObject
            {
                ["accessLogs"] = r.Observability?.AccessLogs ?? true,
                ["metrics"] = r.Observability?.Metrics ?? true,
                ["tracing"] = r.Observability?.Tracing ?? true,
                ["traceVerbosity"] = r.Observability?.TraceVerbosity ?? "minimal",
            },
        };
        Status(node, view.DiagnosticsOf(r.Source));
        node["using"] = Strings(r.EntryPoints);
        node["name"] = Qualified(r.Name);
        node["provider"] = ProviderOf(r.Name);
        node["priorityStr"] = r.Priority.ToString(CultureInfo.InvariantCulture);
        node["source"] = Source(r.Source);
        return node;
    }

    /// <summary>A resource that produced no router because of its errors: shown disabled, as Traefik shows a broken router.</summary>
    public static JsonObject BrokenRouter(ResourceRef source, IReadOnlyList<Diagnostic> diagnostics)
    {
        var node = new JsonObject();
        Status(node, diagnostics);
        var name = $"{source.Namespace}-{source.Name}";
        node["name"] = Qualified(name);
        node["provider"] = Provider;
        node["source"] = Source(source);
        return node;
    }

    public static JsonObject Service(string id, ServiceConfig config, ApiView view)
    {
        var (type, body) = Typed(JsonSerializer.SerializeToNode(config, typeof(ServiceConfig), RoutingTableJson.Options)!.AsObject());
        var node = new JsonObject { [type] = body };
        var servers = view.Servers.Where(s => s.Service == id).ToList();
        var diagnostics = view.DiagnosticsOfObject("TraefikService", id).ToList();
        if (servers.Count > 0 && servers.All(s => !s.Up))
        {
            diagnostics.Add(new Diagnostic(Severity.Warning, "SY-API", "NoServerUp", null, null, $"service {id}: no server is up"));
        }

        Status(node, diagnostics);
        node["usedBy"] = Strings(view.Table.Table.Routers.Where(r => r.Service == id).Select(r => Qualified(r.Name)));
        if (servers.Count > 0)
        {
            var status = new JsonObject();
            foreach (var s in servers)
            {
                status[s.Url] = s.Up ? "UP" : "DOWN";
            }

            node["serverStatus"] = status;
            node["serverHealth"] = new JsonArray([.. servers.Select(s => (JsonNode)new JsonObject
            {
                ["url"] = s.Url,
                ["status"] = s.Up ? "UP" : "DOWN",
                ["active"] = s.Active is { } a ? (a ? "healthy" : "unhealthy") : null,
                ["lastCheck"] = s.LastCheck is { } c
                    ? new JsonObject { ["at"] = c.At.ToString("O", CultureInfo.InvariantCulture), ["healthy"] = c.Healthy, ["detail"] = c.Detail }
                    : null,
                ["passive"] = s.PassiveEjected is { } p ? (p ? "ejected" : "healthy") : null,
                ["terminating"] = s.Terminating,
            })]);
        }

        node["name"] = Qualified(id);
        node["provider"] = ProviderOf(id);
        node["type"] = type.ToLowerInvariant();
        return node;
    }

    /// <summary>Traefik lists its internal services (api@internal) with no configuration of their own.</summary>
    public static JsonObject InternalService(string id, ApiView view) => new()
    {
        ["status"] = "enabled",
        ["usedBy"] = Strings(view.Table.Table.Routers.Where(r => r.Service == id).Select(r => Qualified(r.Name))),
        ["name"] = id,
        ["provider"] = ProviderOf(id),
    };

    public static JsonObject Middleware(string id, MiddlewareConfig config, ApiView view)
    {
        var (type, body) = Typed(JsonSerializer.SerializeToNode(config, typeof(MiddlewareConfig), RoutingTableJson.Options)!.AsObject());
        var node = new JsonObject { [type] = body };
        Status(node, [.. view.DiagnosticsOfObject("Middleware", id)]);
        node["usedBy"] = Strings(view.Table.Table.Routers.Where(r => r.Middlewares.Contains(id)).Select(r => Qualified(r.Name)));
        node["name"] = Qualified(id);
        node["provider"] = ProviderOf(id);
        node["type"] = type.ToLowerInvariant();
        return node;
    }

    /// <summary>Traefik's static.EntryPoint shape (address, transport timeouts, http2) plus its name.</summary>
    public static JsonObject EntryPoint(EntryPoints.EntryPointOptions e) => new()
    {
        ["address"] = e.Endpoint.ToString(),
        ["transport"] = new JsonObject
        {
            ["lifeCycle"] = new JsonObject { ["graceTimeOut"] = Duration(e.ShutdownGrace) },
            ["respondingTimeouts"] = new JsonObject { ["readTimeout"] = Duration(e.ReadHeaderTimeout), ["idleTimeout"] = Duration(e.IdleTimeout) },
        },
        ["forwardedHeaders"] = new JsonObject { ["insecure"] = e.ForwardedHeaders.Insecure, ["trustedIPs"] = Strings(e.ForwardedHeaders.TrustedIPs.Select(n => n.ToString())) },
        ["http2"] = new JsonObject { ["maxConcurrentStreams"] = e.MaxConcurrentStreams },
        ["tls"] = e.Tls,
        ["admin"] = e.Admin,
        ["name"] = e.Name,
    };

    public static JsonObject Diagnostic(Diagnostic d) => new()
    {
        ["severity"] = d.Severity.ToString().ToLowerInvariant(),
        ["code"] = d.Code,
        ["reason"] = d.Reason,
        ["resource"] = d.Resource?.ToString(),
        ["field"] = d.Field,
        ["location"] = d.Location?.ToString(),
        ["message"] = d.Message,
    };

    /// <summary>"x" → "x@kubernetescrd": Traefik's API names every object with its provider.</summary>
    public static string Qualified(string name) => name.Contains('@', StringComparison.Ordinal) ? name : name + "@" + Provider;

    /// <summary>The table's id of an API name (the provider suffix of our own objects dropped).</summary>
    public static string Unqualified(string name) =>
        name.EndsWith("@" + Provider, StringComparison.Ordinal) ? name[..^(Provider.Length + 1)] : name;

    /// <summary>Traefik's status: disabled with errors, warning with warnings, else enabled; plus our diagnostics.</summary>
    private static void Status(JsonObject node, IReadOnlyList<Diagnostic> diagnostics)
    {
        var problems = diagnostics.Where(d => d.Severity != Severity.Info).ToList();
        node["status"] = problems.Any(d => d.Severity == Severity.Error) ? "disabled" : problems.Count > 0 ? "warning" : "enabled";
        if (problems.Count > 0)
        {
            node["error"] = Strings(problems.Select(d => d.Message));
        }

        if (diagnostics.Count > 0)
        {
            node["diagnostics"] = new JsonArray([.. diagnostics.Select(d => (JsonNode)Diagnostic(d))]);
        }
    }

    /// <summary>The table's polymorphic JSON {"type": "stripPrefix", ...} as Traefik's {"stripPrefix": {...}}.</summary>
    private static (string Type, JsonObject Body) Typed(JsonObject node)
    {
        var type = node["type"]?.GetValue<string>() ?? "unknown";
        node.Remove("type");
        return (type, node);
    }

    private static JsonObject Source(ResourceRef source) =>
        new() { ["kind"] = source.Kind, ["namespace"] = source.Namespace, ["name"] = source.Name };

    private static string ProviderOf(string name) => name.LastIndexOf('@') is var at and >= 0 ? name[(at + 1)..] : Provider;

    private static string Duration(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);
}
