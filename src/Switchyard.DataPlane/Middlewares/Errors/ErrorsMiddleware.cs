using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Services;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.Errors;

/// <summary>
/// Traefik's errors middleware: when the answer has one of <c>status</c>, it is replaced by the page the error
/// service serves at <c>query</c> ({status}, {originalStatus} and {url} filled in), sent with the original
/// status or its statusRewrites value. The page request is a GET with the caller's headers (Host included),
/// served through the table's own service handler. gRPC calls pass untouched: their status is grpc-status,
/// which an HTML page would destroy. Answers with other statuses stream through unbuffered.
/// </summary>
/// <param name="requestHeaders">errorRequestHeaders: the only caller headers the page request carries (Host always);
/// null: all of them (Traefik custom_errors.go).</param>
public sealed class ErrorsMiddleware(StatusRanges statuses, (int From, int To, int Status)[] rewrites, IServiceHandler service, string query,
    HashSet<string>? requestHeaders = null) : IRouteMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (ProxyErrors.IsGrpc(context.Request))
        {
            await next(context);
            return;
        }

        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        var gate = new ErrorResponseGate(context.Response, original, statuses);
        context.Features.Set<IHttpResponseBodyFeature>(gate);
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(original);
        }

        if (!gate.Decide() || context.Response.HasStarted)
        {
            return;
        }

        var status = context.Response.StatusCode;
        var answer = Rewrite(status);
        await ServePageAsync(context, status, answer);
    }

    private int Rewrite(int status)
    {
        foreach (var (from, to, rewritten) in rewrites)
        {
            if (status >= from && status <= to)
            {
                return rewritten;
            }
        }

        return status;
    }

    private async Task ServePageAsync(HttpContext context, int originalStatus, int status)
    {
        var target = query
            .Replace("{status}", status.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{originalStatus}", originalStatus.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{url}", Uri.EscapeDataString(context.Request.GetEncodedUrl()), StringComparison.Ordinal);
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var queryString = question < 0 ? "" : target[question..];

        var page = MirrorRequest.Create(context, ReadOnlyMemory<byte>.Empty, context.RequestServices, context.RequestAborted);
        page.Request.Method = HttpMethods.Get;
        page.Request.PathBase = "";
        page.Request.Path = path.StartsWith('/') ? path : "/" + path;
        page.Request.QueryString = new QueryString(queryString);
        page.Request.Headers.ContentLength = null;
        page.Request.Headers.ContentType = default;
        if (requestHeaders is not null)
        {
            foreach (var name in page.Request.Headers.Keys.Where(n => !requestHeaders.Contains(n) && !n.Equals("Host", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                page.Request.Headers.Remove(name);
            }
        }
        using var body = new MemoryStream();
        page.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));

        var response = context.Response;
        response.Clear();
        response.StatusCode = status;
        try
        {
            await service.HandleAsync(page);
        }
        catch (Exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Traefik: the page could not be fetched; the status still goes out, with its reason phrase.
            await response.WriteAsync(ReasonPhrases.GetReasonPhrase(status));
            return;
        }

        foreach (var (name, values) in page.Response.Headers)
        {
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                response.Headers[name] = values;
            }
        }

        response.ContentLength = body.Length;
        body.Position = 0;
        await body.CopyToAsync(response.Body, context.RequestAborted);
    }
}

/// <summary>Builds errors. The page service is the table's own compiled service (its balancer, health and transports).</summary>
public sealed class ErrorsFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(ErrorsConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (ErrorsConfig)config;
        // No status (accepted with a warning, as Traefik does): no range matches, no response is replaced.
        var statuses = StatusRanges.Parse(c.Status.IsDefault ? [] : c.Status, "errors: status");
        var rewrites = new List<(int, int, int)>();
        foreach (var (range, status) in c.StatusRewrites)
        {
            var (from, to) = StatusRanges.ParseOne(range, "errors: statusRewrites");
            if (status is < 100 or > 599)
            {
                throw new ArgumentException($"errors: statusRewrites '{range}' → {status} is not an HTTP status");
            }

            rewrites.Add((from, to, status));
        }

        if (context.ServiceHandlers is not { } handlers || !handlers.TryGetValue(c.Service, out var service))
        {
            throw new ArgumentException($"errors: service '{c.Service}' cannot be served by the data plane");
        }

        return new ErrorsMiddleware(statuses, [.. rewrites], service, string.IsNullOrEmpty(c.Query) ? "/" : c.Query,
            c.ErrorRequestHeaders.IsDefaultOrEmpty ? null : new HashSet<string>(c.ErrorRequestHeaders, StringComparer.OrdinalIgnoreCase));
    }
}
