using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Pipeline;
using Switchyard.Routing.Table;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Middlewares.Buffering;

/// <summary>
/// Traefik's buffering: the whole request is read before it is forwarded and/or the whole answer before it is
/// sent, in memory up to mem*BodyBytes and in a temporary file beyond. A request over maxRequestBodyBytes gets
/// 413 (gRPC: RESOURCE_EXHAUSTED) without reaching the service; an answer over maxResponseBodyBytes is replaced
/// by 500 (gRPC: RESOURCE_EXHAUSTED). 0 means no limit. Buffering holds a whole gRPC stream, so a
/// streaming call that needs replies before it ends cannot work behind it — as in Traefik.
/// With retryExpression the request is sent again, from the buffered body, while the expression holds for the buffered
/// answer (see <see cref="BufferingRetry"/>), at most <see cref="BufferingConfig.MaxRetryAttempts"/> times and without a
/// pause, as oxy's buffer does; the answer of a retried attempt never leaves the gateway. Each attempt is sent as the
/// call came (<see cref="RequestReplay"/>, as retry and failover do): what the middlewares after this one changed in
/// the request or registered for the answer during a dropped attempt does not carry over to the next.
/// </summary>
public sealed class BufferingMiddleware(BufferingConfig config) : IRouteMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        using var requestBuffer = new SpillBuffer(config.MemRequestBodyBytes, config.MaxRequestBodyBytes);
        if (!await BufferRequestAsync(context, requestBuffer))
        {
            await TooLargeAsync(context, StatusCodes.Status413PayloadTooLarge, "request body is larger than maxRequestBodyBytes");
            return;
        }

        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        // Recorded after the request was buffered (its Content-Length set), only when attempts can repeat.
        using var replay = config.RetryExpression is null ? null : new RequestReplay(context);
        for (var attempt = 1; ; attempt++)
        {
            using var responseBuffer = new SpillBuffer(config.MemResponseBodyBytes, config.MaxResponseBodyBytes);
            var buffered = new BufferedResponseBody(responseBuffer);
            context.Features.Set<IHttpResponseBodyFeature>(buffered);
            try
            {
                await next(context);
            }
            finally
            {
                context.Features.Set(original);
            }

            if (buffered.Overflowed)
            {
                // Drop what the service answered (its trailers too) and answer on our own behalf.
                context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers.Clear();
                await TooLargeAsync(context, StatusCodes.Status500InternalServerError, "response body is larger than maxResponseBodyBytes");
                return;
            }

            if (RetryAgain(context, attempt))
            {
                // Nothing of this answer left the gateway: forget it and send the buffered request again.
                context.Features.Set<IForwarderErrorFeature>(null);
                context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers.Clear();
                context.Response.Clear();
                replay!.Restore();
                context.Request.Body = requestBuffer.Rewind();
                continue;
            }

            if (context.Response.Headers.ContentLength is null && !ProxyErrors.IsGrpc(context.Request))
            {
                context.Response.ContentLength = responseBuffer.Length; // like Traefik: the buffered answer has a known length
            }

            await responseBuffer.Rewind().CopyToAsync(context.Response.Body, context.RequestAborted);
            return;
        }
    }

    /// <summary>oxy's loop: retryExpression holds for this answer and no more than MaxRetryAttempts attempts were made.</summary>
    private bool RetryAgain(HttpContext context, int attempt) =>
        config.RetryExpression is { } expression
        && attempt <= BufferingConfig.MaxRetryAttempts
        && !context.Response.HasStarted
        && !context.RequestAborted.IsCancellationRequested
        && BufferingRetry.Holds(expression.Condition, context, attempt, BufferingRetry.ResponseCode(context));

    private async Task<bool> BufferRequestAsync(HttpContext context, SpillBuffer buffer)
    {
        var request = context.Request;
        if (config.MaxRequestBodyBytes > 0 && request.ContentLength > config.MaxRequestBodyBytes)
        {
            return false; // known to be too large: do not read it
        }

        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (!await buffer.TryWriteAsync(chunk.AsMemory(0, read), context.RequestAborted))
            {
                return false;
            }
        }

        request.Body = buffer.Rewind();
        if (!ProxyErrors.IsGrpc(request))
        {
            // The body is now of known length: send it with Content-Length, not chunked (as Traefik does).
            request.Headers.Remove("Transfer-Encoding");
            request.ContentLength = buffer.Length;
        }

        return true;
    }

    /// <summary>Answers "too large" on the proxy's behalf: <paramref name="httpStatus"/> and the message, gRPC: RESOURCE_EXHAUSTED.</summary>
    internal static Task TooLargeAsync(HttpContext context, int httpStatus, string message)
    {
        if (ProxyErrors.IsGrpc(context.Request))
        {
            return ProxyErrors.WriteAsync(context, ProxyErrorKind.ResourceExhausted, message);
        }

        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.Clear();
        response.StatusCode = httpStatus;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(message + "\n");
    }
}

/// <summary>Builds buffering; the limits are checked here (retryExpression arrives parsed).</summary>
public sealed class BufferingFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(BufferingConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (BufferingConfig)config;
        if (c.MaxRequestBodyBytes < 0 || c.MemRequestBodyBytes < 0 || c.MaxResponseBodyBytes < 0 || c.MemResponseBodyBytes < 0)
        {
            throw new ArgumentException("buffering: byte sizes must not be negative");
        }

        return new BufferingMiddleware(c);
    }
}
