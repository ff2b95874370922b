using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>GrpcTestBackend options adding a plain-HTTP fallback that echoes the path and selected headers.</summary>
public static class HttpEchoBackend
{
    public static readonly string[] EchoedHeaders = ["x-forwarded-prefix", "x-replaced-path", "x-user", "authorization", "x-forwarded-tls-client-cert", "x-forwarded-tls-client-cert-info",
        "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-real-ip", "x_forwarded_proto"];

    public static GrpcTestBackendOptions Options(bool requireTeTrailers = false, RequestCounter? counter = null) => new()
    {
        RequireTeTrailers = requireTeTrailers,
        Configure = app =>
        {
            // Every request that reaches the backend, whatever its method or protocol (GrpcTestBackend.Calls
            // counts Echo calls only).
            app.Use((ctx, next) =>
            {
                counter?.Increment();
                return next(ctx);
            });
            MapEcho(app);
        },
    };

    private static void MapEcho(WebApplication app) =>
        app.MapFallback(async ctx =>
        {
            // Read what was sent before answering, as a real service does: answering first makes the gateway's
            // request-body copy fail mid-flight (YARP: RequestBodyDestination) in a timing-dependent way.
            await ctx.Request.Body.CopyToAsync(Stream.Null, ctx.RequestAborted);
            if (ctx.Request.Query.TryGetValue("raw", out var raw))
            {
                // No Content-Type at all (contentType tests).
                await ctx.Response.WriteAsync(raw.ToString());
                return;
            }

            if (int.TryParse(ctx.Request.Query["status"], out var status))
            {
                // An answer with the asked status (errors tests).
                ctx.Response.StatusCode = status;
                await ctx.Response.WriteAsync("backend said " + status);
                return;
            }

            if (int.TryParse(ctx.Request.Query["size"], out var size))
            {
                // A body of the asked size (compress tests).
                ctx.Response.ContentType = ctx.Request.Query["type"].FirstOrDefault() ?? "text/plain";
                await ctx.Response.WriteAsync(new string('a', size));
                return;
            }

            await ctx.Response.WriteAsync("path=" + ctx.Request.Path.Value + ctx.Request.QueryString.Value + "\n");
            foreach (var name in EchoedHeaders)
            {
                if (ctx.Request.Headers.TryGetValue(name, out var value))
                {
                    await ctx.Response.WriteAsync(name + "=" + value + "\n");
                }
            }
        });

    /// <summary>Parse the echo body into name → value.</summary>
    public static Dictionary<string, string> Parse(string body) =>
        body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}

/// <summary>Counts requests that reached a backend.</summary>
public sealed class RequestCounter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}
