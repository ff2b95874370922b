using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Api.Dashboard;

/// <summary>
/// The dashboard's static files, embedded in the assembly (no CDN, nothing read from disk): /dashboard/ and its
/// assets; /dashboard and / redirect to /dashboard/ as in Traefik. The page reads the API with relative URLs,
/// so it works on the admin entry point and behind an api@internal route alike.
/// </summary>
internal static class DashboardAssets
{
    private static readonly Dictionary<string, (byte[] Body, string ContentType)> Files = Load();

    /// <summary>
    /// The answer for a dashboard path (below api.basePath, which <paramref name="basePath"/> names without its
    /// trailing slash), or null when the path is not the dashboard's.
    /// </summary>
    public static Task? TryServe(HttpContext context, string path, string basePath = "")
    {
        if (path is "" or "/" or "/dashboard")
        {
            context.Response.Redirect(context.Request.PathBase + basePath + "/dashboard/");
            return Task.CompletedTask;
        }

        if (!path.StartsWith("/dashboard/", StringComparison.Ordinal))
        {
            return null;
        }

        var file = path["/dashboard/".Length..] is { Length: > 0 } name ? name : "index.html";
        if (!Files.TryGetValue(file, out var asset))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        context.Response.ContentType = asset.ContentType;
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:";
        return context.Response.Body.WriteAsync(asset.Body, context.RequestAborted).AsTask();
    }

    private static Dictionary<string, (byte[], string)> Load()
    {
        const string prefix = "Switchyard.DataPlane.Dashboard.";
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[prefix.Length..];
            files[name] = (copy.ToArray(), Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                _ => "application/octet-stream",
            });
        }

        return files;
    }
}
