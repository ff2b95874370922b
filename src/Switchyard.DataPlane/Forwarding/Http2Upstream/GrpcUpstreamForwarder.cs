using System.Buffers;
using System.IO.Pipelines;
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

    private const int MaxReplays = 2;

    public async Task ForwardAsync(HttpContext ctx)
    {
        var block = ArrayPool<byte>.Shared.Rent(BlockBuffer);
        var s = pool.Rent();
        var bodyReader = ctx.Request.BodyReader;
        UpstreamConnection? conn = null;
        var bodySent = false;
        var holding = false; // the whole body went out with HEADERS and is kept (unconsumed) until the backend answers
        ReadResult first = default;
        int blockLength;
        try
        {
            blockLength = RequestHeaderEncoder.Encode(ctx, block, pool.Https);
            if (blockLength < 0)
            {
                ArrayPool<byte>.Shared.Return(block);
                pool.Return(s);
                ctx.Response.StatusCode = StatusCodes.Status431RequestHeaderFieldsTooLarge;
                return;
            }

            // Unary calls usually arrive whole: send HEADERS and the body in one write. A body only partly here (a
            // stream's first message came with its HEADERS) is released unread for SendBodyAsync: a PipeReader
            // allows one read at a time, and its ReadAsync after an unreleased TryRead threw, so the body never went
            // out and the call waited for headers the backend would never send (issue 21's bidi stall).
            var whole = false;
            if (bodyReader.TryRead(out first))
            {
                whole = first.IsCompleted;
                if (!whole)
                {
                    bodyReader.AdvanceTo(first.Buffer.Start);
                }
            }

            (conn, bodySent) = await OpenAsync(ctx, s, block, blockLength, whole ? first.Buffer : default, whole);
            holding = whole && bodySent;
            if (whole && !bodySent)
            {
                bodyReader.AdvanceTo(first.Buffer.Start);
            }
        }
        catch (Exception e) when (e is UpstreamException or System.Net.Sockets.SocketException or TimeoutException)
        {
            ArrayPool<byte>.Shared.Return(block);
            pool.Return(s);
            Unavailable(ctx, e.Message);
            return;
        }

        var copier = bodySent ? Task.CompletedTask : conn.SendBodyAsync(s, bodyReader);
        using var abort = ctx.RequestAborted.UnsafeRegister(
            static o => { var st = (UpstreamStream)o!; st.Connection?.Cancel(st, new OperationCanceledException("the client went away")); }, s);
        try
        {
            try
            {
                for (var replays = 0; ; replays++)
                {
                    try
                    {
                        await s.HeadersArrived.WaitAsync();
                        break;
                    }
                    catch (UpstreamException e) when (e.BeforeProcessing && holding && replays < MaxReplays
                        && !ctx.RequestAborted.IsCancellationRequested)
                    {
                        // REFUSED_STREAM, or a GOAWAY below the stream: the backend never processed the call (RFC
                        // 9113 8.7), so the same header block and body go again, on a connection that takes them.
                        s.Recycle();
                        (conn, bodySent) = await OpenAsync(ctx, s, block, blockLength, first.Buffer, true);
                        if (!bodySent)
                        {
                            bodyReader.AdvanceTo(first.Buffer.Start);
                            holding = false;
                            copier = conn.SendBodyAsync(s, bodyReader);
                        }
                    }
                }
            }
            catch (UpstreamException e)
            {
                Unavailable(ctx, e.Message);
                return;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(block);
                if (holding)
                {
                    bodyReader.AdvanceTo(first.Buffer.End);
                    holding = false;
                }
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

    // The first connection with room takes the stream; when none has, the pool dials (or hands over a dial in flight).
    private async ValueTask<(UpstreamConnection Connection, bool BodySent)> OpenAsync(HttpContext ctx, UpstreamStream s,
        byte[] block, int blockLength, ReadOnlySequence<byte> body, bool whole)
    {
        UpstreamConnection? full = null;
        for (var attempt = 0; ; attempt++)
        {
            foreach (var c in pool.Connections)
            {
                if (c.TryOpen(s, ctx, block.AsSpan(0, blockLength), body, whole, out var sent))
                {
                    return (c, sent);
                }

                full = c;
            }

            if (attempt == 3)
            {
                throw new UpstreamException("no backend connection could take the call", beforeProcessing: true);
            }

            var dialled = await pool.DialAsync(full, ctx.RequestAborted);
            if (dialled.TryOpen(s, ctx, block.AsSpan(0, blockLength), body, whole, out var bodySent))
            {
                return (dialled, bodySent);
            }
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
