using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// Forwards one h2c gRPC call from Kestrel to the backend over a pooled multiplexed connection: headers, the body
/// streamed both ways within flow control, trailers. A backend that fails before answering becomes a gRPC status
/// (UNAVAILABLE); one that resets mid-response resets the client's stream.
/// </summary>
public sealed class GrpcUpstreamForwarder(UpstreamPool pool)
{
    private const int BlockBuffer = 8192;

    public async Task ForwardAsync(HttpContext ctx)
    {
        var block = ArrayPool<byte>.Shared.Rent(BlockBuffer);
        var s = pool.Rent();
        var bodyReader = ctx.Request.BodyReader;
        UpstreamConnection? conn = null;
        var bodySent = false;
        try
        {
            var blockLength = RequestHeaderEncoder.Encode(ctx, block);
            if (blockLength < 0)
            {
                ctx.Response.StatusCode = StatusCodes.Status431RequestHeaderFieldsTooLarge;
                return;
            }

            // Unary calls usually arrive whole: send HEADERS and the body in one write.
            var whole = bodyReader.TryRead(out var first) && first.IsCompleted;
            var body = whole ? first.Buffer : default;
            UpstreamConnection? full = null;
            for (var attempt = 0; conn is null; attempt++)
            {
                foreach (var c in pool.Connections)
                {
                    if (c.TryOpen(s, ctx, block.AsSpan(0, blockLength), body, whole, out bodySent))
                    {
                        conn = c;
                        break;
                    }

                    full = c;
                }

                if (conn is null)
                {
                    if (attempt == 3)
                    {
                        throw new UpstreamException("no backend connection could take the call");
                    }

                    var c = await pool.DialAsync(full, ctx.RequestAborted);
                    if (c.TryOpen(s, ctx, block.AsSpan(0, blockLength), body, whole, out bodySent))
                    {
                        conn = c;
                    }
                }
            }

            if (whole)
            {
                bodyReader.AdvanceTo(bodySent ? first.Buffer.End : first.Buffer.Start);
            }
        }
        catch (Exception e) when (e is UpstreamException or System.Net.Sockets.SocketException)
        {
            ArrayPool<byte>.Shared.Return(block);
            pool.Return(s);
            Unavailable(ctx, e.Message);
            return;
        }

        ArrayPool<byte>.Shared.Return(block);
        var copier = bodySent ? Task.CompletedTask : conn.SendBodyAsync(s, bodyReader);
        using var abort = ctx.RequestAborted.UnsafeRegister(
            static o => { var st = (UpstreamStream)o!; st.Connection?.Cancel(st, new OperationCanceledException("the client went away")); }, s);
        try
        {
            try
            {
                await s.HeadersArrived.WaitAsync();
            }
            catch (UpstreamException e)
            {
                Unavailable(ctx, e.Message);
                return;
            }

            await CopyResponseAsync(ctx, conn, s);
        }
        catch (Exception) when (ctx.RequestAborted.IsCancellationRequested || s.Closed)
        {
            ctx.Abort(); // reset mid-response: the client sees the stream reset, as from the backend
        }
        finally
        {
            conn.Cancel(s, new OperationCanceledException("the call is over"));
            if (!copier.IsCompleted)
            {
                bodyReader.CancelPendingRead();
            }

            try
            {
                await copier;
            }
            catch (Exception)
            {
                // The request body's fate no longer matters: the call is over.
            }

            await s.Body.Reader.CompleteAsync();
            pool.Return(s);
        }
    }

    private static async Task CopyResponseAsync(HttpContext ctx, UpstreamConnection conn, UpstreamStream s)
    {
        var resp = ctx.Response;
        resp.StatusCode = s.Status;
        var headers = resp.Headers;
        foreach (var h in s.Headers)
        {
            headers.Append(h.Key, h.Value);
        }

        var reader = s.Body.Reader;
        var output = resp.BodyWriter;
        if (!reader.TryRead(out var r))
        {
            await resp.StartAsync(); // nothing to send yet (a stream that starts quietly): headers go now
            r = await reader.ReadAsync();
        }

        while (true)
        {
            var buf = r.Buffer;
            var n = (int)buf.Length;
            foreach (var segment in buf)
            {
                output.Write(segment.Span);
            }

            reader.AdvanceTo(buf.End);
            if (r.IsCompleted)
            {
                break;
            }

            if (n > 0)
            {
                await output.FlushAsync();
                conn.Consumed(s, n);
            }

            r = await reader.ReadAsync();
        }

        if (s.Trailers.Count > 0)
        {
            var trailers = ctx.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
            if (trailers is not null)
            {
                foreach (var t in s.Trailers)
                {
                    trailers.Append(t.Key, t.Value);
                }
            }
        }
    }

    // A trailers-only gRPC answer: the call never reached a backend that answered it.
    private static void Unavailable(HttpContext ctx, string message)
    {
        if (ctx.Response.HasStarted)
        {
            ctx.Abort();
            return;
        }

        ctx.Response.StatusCode = StatusCodes.Status200OK;
        ctx.Response.ContentType = "application/grpc";
        ctx.Response.Headers["grpc-status"] = "14";
        ctx.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }
}
