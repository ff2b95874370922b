using System.Buffers;
using System.IO.Pipelines;
using System.Net.Http;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.Metrics;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>Opens a call's stream: its header block encoded, a connection with room found (or dialled), HEADERS sent.</summary>
internal static class UpstreamStreamOpener
{
    private const int BlockBuffer = 8192;
    private const int LargeBlockBuffer = 64 * 1024;

    /// <summary>
    /// Encodes the header block and opens a stream on a connection with room, dialling one when none has. A body that was
    /// here whole goes with the headers and stays unconsumed in the reader (<c>Held</c>) until the backend takes the call,
    /// so a call it refuses (REFUSED_STREAM, GOAWAY) can be sent again.
    /// </summary>
    public static async ValueTask<(UpstreamConnection Connection, bool BodySent, bool Held, ReadResult Body)> OpenAsync(HttpContext ctx,
        UpstreamServer server, UpstreamStream s, PipeReader bodyReader, CancellationToken deadline)
    {
        var block = ArrayPool<byte>.Shared.Rent(BlockBuffer);
        try
        {
            var blockLength = ForwardedRequestHeaders.Encode(ctx, server.Authority, block, server.Pool.Https);
            if (blockLength < 0)
            {
                ArrayPool<byte>.Shared.Return(block);
                block = ArrayPool<byte>.Shared.Rent(LargeBlockBuffer);
                blockLength = ForwardedRequestHeaders.Encode(ctx, server.Authority, block, server.Pool.Https);
                if (blockLength < 0)
                {
                    throw new RequestHeadersTooLargeException();
                }
            }

            // Unary calls usually arrive whole: send HEADERS and the body in one write.
            var read = bodyReader.TryRead(out var first);
            var whole = read && first.IsCompleted;
            var body = whole ? first.Buffer : default;
            if (read && !whole && !ClientBodyReader.TryAdvanceTo(bodyReader, first.Buffer.Start))
            {
                throw new UpstreamException("the request body ended before the call was opened");
            }

            UpstreamConnection conn;
            bool bodySent;
            try
            {
                (conn, bodySent) = await FindAsync(ctx, server, s, block, blockLength, body, whole, deadline);
            }
            catch
            {
                if (whole)
                {
                    ClientBodyReader.TryAdvanceTo(bodyReader, first.Buffer.Start);
                }

                throw;
            }

            if (whole && !bodySent)
            {
                // The stream is open: a body the client reset meanwhile is SendBodyAsync's to find, not an open failure
                // (that would hand the pool a stream still listed on the connection).
                ClientBodyReader.TryAdvanceTo(bodyReader, first.Buffer.Start);
            }

            return (conn, bodySent, whole && bodySent, first);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    // The first connection with room takes the stream; when none has, one is dialled (or found by another call's dial).
    private static async ValueTask<(UpstreamConnection, bool)> FindAsync(HttpContext ctx, UpstreamServer server, UpstreamStream s, byte[] block,
        int blockLength, ReadOnlySequence<byte> body, bool whole, CancellationToken deadline)
    {
        UpstreamConnection? full = null;
        for (var attempt = 0; ; attempt++)
        {
            foreach (var c in server.Pool.Connections)
            {
                if (c.TryOpen(s, ctx, block.AsSpan(0, blockLength), body, whole, out var sent))
                {
                    return (c, sent);
                }

                full = c;
            }

            if (attempt == 3)
            {
                throw new UpstreamException("no backend connection could take the call");
            }

            var dialled = await DialAsync(ctx, server, full, deadline);
            if (dialled.TryOpen(s, ctx, block.AsSpan(0, blockLength), body, whole, out var bodySent))
            {
                return (dialled, bodySent);
            }
        }
    }

    // The pool's dial is bounded by the transport's dialTimeout (UpstreamOptions.DialTimeout, a TimeoutException when it
    // runs out), and so is waiting for another call's dial in flight; the client leaving or a deadline passing stops
    // this call's wait.
    private static async ValueTask<UpstreamConnection> DialAsync(HttpContext ctx, UpstreamServer server, UpstreamConnection? full, CancellationToken deadline)
    {
        if (!deadline.CanBeCanceled)
        {
            return await server.Pool.DialAsync(full, ctx.RequestAborted);
        }

        using var dial = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, deadline);
        return await server.Pool.DialAsync(full, dial.Token);
    }

    /// <summary>What a failure to open is, as YARP would report it.</summary>
    public static ForwarderError OpenError(HttpContext ctx, Exception e, CancellationToken deadline, out Exception reported)
    {
        reported = e;
        if (e is RequestHeadersTooLargeException)
        {
            return ForwarderError.RequestCreation;
        }

        if (e is TimeoutException)
        {
            return ForwarderError.RequestTimedOut;
        }

        if (ctx.RequestAborted.IsCancellationRequested || deadline.IsCancellationRequested)
        {
            return ForwarderError.RequestCanceled;
        }

        if (e is System.Net.Sockets.SocketException)
        {
            // What SocketsHttpHandler reports for a refused or unreachable server: a connect failure.
            reported = new HttpRequestException(HttpRequestError.ConnectionError, e.Message, e);
        }

        return ForwarderError.Request;
    }

    private sealed class RequestHeadersTooLargeException() : InvalidOperationException("the request headers do not fit a header block");
}
