using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.Middlewares.Buffering;
using Switchyard.DataPlane.Middlewares.Errors;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Services;

/// <summary>
/// TraefikService.failover (Traefik pkg/server/service/loadbalancer/failover): the main service serves while it is
/// available (has a healthy server); otherwise the fallback does. Decided per call, so traffic returns to main as soon
/// as one of its servers is healthy.
/// With <c>errors.status</c> (<paramref name="statuses"/>), a call main takes is also sent to the fallback when main's
/// answer has one of those statuses (a gRPC answer: its trailers-only grpc-status, see
/// <see cref="Errors.GrpcHttpStatus.OfAnswer"/>). For that the request body is read whole before main gets it, up to
/// <paramref name="maxRequestBodyBytes"/> (negative: no limit; kept in memory up to 1 MiB, then in a temporary file);
/// a larger body is answered 413 "Request body too large" and reaches no service, as in Traefik. Main's answer is
/// judged at its status line: a listed one is dropped whole (headers, body, trailers) and the fallback answers; any
/// other goes straight through, so nothing that reached the caller is ever replaced.
/// </summary>
public sealed class FailoverHandler(IServiceHandler main, IServiceHandler fallback, StatusRanges? statuses = null, long maxRequestBodyBytes = -1)
    : IServiceHandler
{
    // Traefik keeps the whole body in memory; past this much it goes to a temporary file (same semantics).
    private const long MemoryBytes = 1024 * 1024;

    public bool IsAvailable => main.IsAvailable || fallback.IsAvailable;

    public Task HandleAsync(HttpContext context)
    {
        if (statuses is not null && main.IsAvailable)
        {
            return MainThenFallbackAsync(context, statuses);
        }

        // Neither available: main answers (UNAVAILABLE naming the main service).
        return (main.IsAvailable || !fallback.IsAvailable ? main : fallback).HandleAsync(context);
    }

    private async Task MainThenFallbackAsync(HttpContext context, StatusRanges errorStatuses)
    {
        var request = context.Request;
        var originalBody = request.Body;
        using var body = new SpillBuffer(MemoryBytes, 0);
        var hasBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        if (hasBody && !await ReadBodyAsync(context, body))
        {
            await BufferingMiddleware.TooLargeAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large");
            return;
        }

        var features = context.Features;
        var innerBody = features.Get<IHttpResponseBodyFeature>()!;
        var gate = new ErrorResponseGate(context.Response, innerBody, errorStatuses, grpcAware: true);
        // The fallback gets the request as it came, not as main's service middlewares left it (Traefik clones it).
        using var replay = new Pipeline.RequestReplay(context);
        try
        {
            if (hasBody)
            {
                request.Body = body.Rewind();
            }

            features.Set<IHttpResponseBodyFeature>(gate);
            try
            {
                await main.HandleAsync(context);
            }
            finally
            {
                features.Set(innerBody);
            }

            // An answer that went through (or an upgraded connection) is final.
            if (context.Response.HasStarted || !gate.Decide() || context.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            // Forget main's answer and its error marker; the fallback gets the same request, body from its start.
            features.Set<IForwarderErrorFeature>(null);
            features.Get<IHttpResponseTrailersFeature>()?.Trailers.Clear();
            context.Response.Clear();
            replay.Restore();
            if (hasBody)
            {
                request.Body = body.Rewind();
            }

            await fallback.HandleAsync(context);
        }
        finally
        {
            request.Body = originalBody;
        }
    }

    /// <summary>Reads the caller's whole body into <paramref name="buffer"/>; false once it is over the limit.</summary>
    private async Task<bool> ReadBodyAsync(HttpContext context, SpillBuffer buffer)
    {
        var request = context.Request;
        if (maxRequestBodyBytes >= 0 && request.ContentLength > maxRequestBodyBytes)
        {
            return false; // known to be too large: do not read it
        }

        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (maxRequestBodyBytes >= 0 && buffer.Length + read > maxRequestBodyBytes)
                {
                    return false;
                }

                await buffer.TryWriteAsync(chunk.AsMemory(0, read), context.RequestAborted);
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
