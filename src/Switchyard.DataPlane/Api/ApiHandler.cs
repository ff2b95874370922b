using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Swap;

namespace Switchyard.DataPlane.Api;

/// <summary>
/// Traefik's REST API (pkg/api/handler.go routes, GET only): /api/rawdata, /api/overview, /api/entrypoints[/{name}],
/// /api/http/{routers,services,middlewares}[/{name}], /api/version; tcp/udp lists answer empty. Lists take
/// Traefik's search, status, serviceName, middlewareName, sortBy, direction, page and per_page parameters and set
/// X-Next-Page. Errors are {"message": ...} as in Traefik's writeError. Serves the admin entry point (api.insecure)
/// and routes whose service is api@internal alike; the dashboard's assets are served next to it.
/// </summary>
public sealed class ApiHandler(Func<CompiledTable> current, ApiState state, TimeProvider time)
{
    /// <summary>The service a route names to be answered by the API (Traefik's internal service).</summary>
    public const string ServiceName = "api@internal";

    private static readonly JsonWriterOptions Writer = new() { Indented = false };

    public ApiState State => state;

    /// <summary>
    /// Answers /api/..., /dashboard/... and (api.debug) /debug/vars under api.basePath; false when the path is none
    /// of those.
    /// </summary>
    public async Task<bool> TryHandleAsync(HttpContext context)
    {
        var basePath = state.Options.BasePath.TrimEnd('/');
        var path = context.Request.Path.Value ?? "";
        if (basePath.Length > 0)
        {
            // Traefik's PathPrefix(basePath) subrouter: the API's own paths follow the base path.
            if (!path.StartsWith(basePath, StringComparison.Ordinal) || (path.Length > basePath.Length && path[basePath.Length] != '/'))
            {
                return false;
            }

            path = path[basePath.Length..];
        }

        if (state.Options.Dashboard && Dashboard.DashboardAssets.TryServe(context, path, basePath) is { } dashboard)
        {
            await dashboard;
            return true;
        }

        if (state.Options.Debug && path == "/debug/vars")
        {
            await WriteAsync(context, 200, ApiDebug.Vars());
            return true;
        }

        if (!path.StartsWith("/api/", StringComparison.Ordinal))
        {
            return false;
        }

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await WriteAsync(context, 405, Error($"method {context.Request.Method} not allowed"));
            return true;
        }

        var (code, body) = Answer(context, path["/api/".Length..]);
        await WriteAsync(context, code, body);
        return true;
    }

    /// <summary>Serves a request, answering 404 for a path the API does not have (api@internal routes).</summary>
    public async Task HandleAsync(HttpContext context)
    {
        if (!await TryHandleAsync(context))
        {
            await WriteAsync(context, 404, Error("404 page not found"));
        }
    }

    private (int, JsonNode) Answer(HttpContext context, string path)
    {
        var parts = path.Split('/', 3);
        var view = new ApiView(current(), state, time);
        var query = context.Request.Query;
        switch (parts)
        {
            case ["rawdata"]:
                return (200, ApiLists.RawData(view));
            case ["overview"]:
                return (200, ApiLists.Overview(view));
            case ["version"]:
                return (200, Version());
            case ["entrypoints"]:
                return ApiLists.Page(context, [.. state.EntryPoints.OrderBy(e => e.Name, StringComparer.Ordinal).Select(ApiModel.EntryPoint)]);
            case ["entrypoints", var name]:
                return state.EntryPoints.FirstOrDefault(e => e.Name == Unescape(name)) is { } ep
                    ? (200, ApiModel.EntryPoint(ep))
                    : (404, Error($"entry point not found: {Unescape(name)}"));
            case ["http", var kind]:
                return ApiLists.Page(context, ApiLists.Sort(query, [.. ApiLists.Filter(query, ApiLists.All(view, kind))]));
            case ["http", var kind, var name]:
                return ApiLists.All(view, kind).FirstOrDefault(n => (string?)n["name"] == ApiModel.Qualified(ApiModel.Unqualified(Unescape(name)))) is { } found
                    ? (200, found)
                    : (404, Error($"{kind.TrimEnd('s')} not found: {Unescape(name)}"));
            case ["tcp" or "udp", "routers" or "services" or "middlewares"]:
                return ApiLists.Page(context, []);
            default:
                return (404, Error("404 page not found"));
        }
    }

    /// <summary>Traefik's version handler (pkg/version/version.go): Version, Codename, startDate.</summary>
    private JsonObject Version() => new()
    {
        ["Version"] = typeof(ApiHandler).Assembly.GetName().Version?.ToString(3) ?? "dev",
        ["Codename"] = "switchyard",
        ["startDate"] = state.StartDate.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Unescape(string segment) => Uri.UnescapeDataString(segment);

    internal static JsonObject Error(string message) => new() { ["message"] = message };

    private static async Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        await using (var writer = new Utf8JsonWriter(buffer, Writer))
        {
            body.WriteTo(writer);
        }

        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
        await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted);
    }
}
