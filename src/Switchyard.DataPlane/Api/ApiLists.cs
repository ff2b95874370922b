using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Switchyard.Model.Diagnostics;

namespace Switchyard.DataPlane.Api;

/// <summary>
/// The API's collections: every router / service / middleware of a view, Traefik's list filters
/// (pkg/api/criterion.go), sorting (pkg/api/sort.go: sortBy + direction, name by default) and pagination
/// (page / per_page, default 100, X-Next-Page), the overview's counts and the rawdata maps.
/// </summary>
internal static class ApiLists
{
    private const string NextPageHeader = "X-Next-Page";

    public static IEnumerable<JsonObject> All(ApiView view, string kind) => kind switch
    {
        "routers" => view.Table.Table.Routers.Select(r => ApiModel.Router(r, view))
            .Concat(view.BrokenRoutes().Select(b => ApiModel.BrokenRouter(b.Source, b.Diagnostics))),
        "services" => view.Table.Table.Services.Select(s => ApiModel.Service(s.Key, s.Value, view)).Append(ApiModel.InternalService(ApiHandler.ServiceName, view)),
        "middlewares" => view.Table.Table.Middlewares.Select(m => ApiModel.Middleware(m.Key, m.Value, view)),
        _ => [],
    };

    /// <summary>search (in name and rule, case-insensitive), status, serviceName, middlewareName.</summary>
    public static IEnumerable<JsonObject> Filter(IQueryCollection query, IEnumerable<JsonObject> nodes)
    {
        string search = query["search"].ToString(), status = query["status"].ToString();
        string service = query["serviceName"].ToString(), middleware = query["middlewareName"].ToString();
        return nodes.Where(n =>
            (status.Length == 0 || string.Equals((string?)n["status"], status, StringComparison.OrdinalIgnoreCase))
            && (search.Length == 0 || Contains(n["name"], search) || Contains(n["rule"], search))
            && (service.Length == 0 || ServiceMatches((string?)n["service"], service))
            && (middleware.Length == 0 || (n["middlewares"] as JsonArray ?? []).Any(m => (string?)m == middleware)));
    }

    public static List<JsonObject> Sort(IQueryCollection query, List<JsonObject> nodes)
    {
        var field = query["sortBy"].ToString() is { Length: > 0 } f ? f : "name";
        var descending = query["direction"].ToString() == "desc";
        nodes.Sort((a, b) =>
        {
            var c = Compare(a[field], b[field]);
            c = c != 0 ? c : string.CompareOrdinal((string?)a["name"], (string?)b["name"]);
            return descending ? -c : c;
        });
        return nodes;
    }

    public static (int, JsonNode) Page(HttpContext context, List<JsonObject> nodes)
    {
        if (!TryInt(context.Request.Query["per_page"], 100, out var perPage) || !TryInt(context.Request.Query["page"], 1, out var page)
            || perPage <= 0 || page <= 0 || ((page - 1) * perPage != 0 && (page - 1) * perPage >= nodes.Count))
        {
            return (400, ApiHandler.Error($"invalid request: page: {context.Request.Query["page"]}, per_page: {context.Request.Query["per_page"]}"));
        }

        var start = (page - 1) * perPage;
        var end = Math.Min(start + perPage, nodes.Count);
        context.Response.Headers[NextPageHeader] = (page * perPage < nodes.Count ? page + 1 : 1).ToString(CultureInfo.InvariantCulture);
        return (200, new JsonArray([.. nodes.Skip(start).Take(end - start)]));
    }

    /// <summary>Traefik's overview: http routers / services / middlewares with their warning and error counts, features, providers.</summary>
    public static JsonObject Overview(ApiView view)
    {
        var features = view.State.Features;
        return new JsonObject
        {
            ["http"] = new JsonObject
            {
                ["routers"] = Section(All(view, "routers")),
                ["services"] = Section(All(view, "services")),
                ["middlewares"] = Section(All(view, "middlewares")),
            },
            ["tcp"] = new JsonObject { ["routers"] = Empty(), ["services"] = Empty(), ["middlewares"] = Empty() },
            ["udp"] = new JsonObject { ["routers"] = Empty(), ["services"] = Empty() },
            ["features"] = new JsonObject { ["tracing"] = features.Tracing, ["metrics"] = features.Metrics, ["accessLog"] = features.AccessLog },
            ["providers"] = new JsonArray([.. features.Providers.Select(p => (JsonNode)p)]),
            ["diagnostics"] = new JsonObject
            {
                ["errors"] = view.All.Count(d => d.Severity == Severity.Error),
                ["warnings"] = view.All.Count(d => d.Severity == Severity.Warning),
            },
        };
    }

    /// <summary>Traefik's RunTimeRepresentation: routers, middlewares and services keyed by qualified name.</summary>
    public static JsonObject RawData(ApiView view) => new()
    {
        ["routers"] = Map(All(view, "routers")),
        ["middlewares"] = Map(All(view, "middlewares")),
        ["services"] = Map(All(view, "services")),
    };

    private static JsonObject Map(IEnumerable<JsonObject> nodes)
    {
        var map = new JsonObject();
        foreach (var node in nodes)
        {
            map[(string)node["name"]!] = node;
        }

        return map;
    }

    private static JsonObject Section(IEnumerable<JsonObject> nodes)
    {
        var list = nodes.ToList();
        return new JsonObject
        {
            ["total"] = list.Count,
            ["warnings"] = list.Count(n => (string?)n["status"] == "warning"),
            ["errors"] = list.Count(n => (string?)n["status"] == "disabled"),
        };
    }

    private static JsonObject Empty() => new() { ["total"] = 0, ["warnings"] = 0, ["errors"] = 0 };

    /// <summary>Traefik's filterService: a qualified name must match exactly, an unqualified one matches its name part.</summary>
    private static bool ServiceMatches(string? routerService, string wanted) =>
        routerService is not null && (wanted.Contains('@', StringComparison.Ordinal)
            ? ApiModel.Qualified(routerService) == wanted
            : ApiModel.Unqualified(routerService) == wanted);

    private static bool Contains(JsonNode? node, string search) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && s.Contains(search, StringComparison.OrdinalIgnoreCase);

    private static int Compare(JsonNode? a, JsonNode? b)
    {
        if (a is JsonValue va && b is JsonValue vb && va.TryGetValue<int>(out var ia) && vb.TryGetValue<int>(out var ib))
        {
            return ia.CompareTo(ib);
        }

        return string.CompareOrdinal(a?.ToJsonString(), b?.ToJsonString());
    }

    private static bool TryInt(Microsoft.Extensions.Primitives.StringValues raw, int fallback, out int value)
    {
        value = fallback;
        return raw.Count == 0 || raw.ToString().Length == 0 || int.TryParse(raw.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
