using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// One multiplexed h2c connection to a backend. Callers write frames into an output pipe under one lock (stream
/// ids must go out in order); a send loop drains the pipe to the socket, so frames of concurrent calls share
/// syscalls. A read loop parses frames and hands each stream its headers, body bytes and trailers.
/// </summary>
internal sealed partial class UpstreamConnection
{
    public const int StreamWindow = 256 * 1024; // per-stream receive window: bounds what one call may buffer here
    private const int ConnectionWindow = 16 * 1024 * 1024;
    private const int MaxHeaderBlock = 256 * 1024;
    private const int ReadBufferSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly Pipe _out = new(new PipeOptions(MemoryPool<byte>.Shared, PipeScheduler.ThreadPool,
        PipeScheduler.Inline, pauseWriterThreshold: 0, resumeWriterThreshold: 0, minimumSegmentSize: 16384,
        useSynchronizationContext: false));
    private readonly object _sync = new();
    private readonly Dictionary<int, UpstreamStream> _streams = new();
    private readonly List<UpstreamStream> _connectionWindowWaiters = new();
    private readonly HpackDecoder _hpack = new();
    private int _nextStreamId = 1;
    private long _sendWindow = 65535;
    private int _peerInitialWindow = 65535;
    private int _peerMaxFrame = 16384;
    private int _peerMaxStreams = 100; // until the backend's SETTINGS say otherwise
    private int _receivedUnacked;
    private bool _goingAway;
    private Exception? _dead;

    private UpstreamConnection(Socket socket) => _socket = socket;

    public int Active { get { lock (_sync) { return _streams.Count; } } }

    public bool IsUsable { get { lock (_sync) { return _dead is null && !_goingAway; } } }

    public static async Task<UpstreamConnection> ConnectAsync(EndPoint backend, CancellationToken ct)
    {
        var socket = new Socket(backend.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(backend, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var c = new UpstreamConnection(socket);
        FrameWriter.Preface(c._out.Writer, StreamWindow, ConnectionWindow - 65535, MaxHeaderBlock);
        await c._out.Writer.FlushAsync(ct);
        _ = c.SendLoopAsync();
        _ = c.ReadLoopAsync();
        return c;
    }

    /// <summary>
    /// Opens a stream: assigns its id and writes HEADERS (and, when the whole request body is already here and fits
    /// the windows, its DATA with END_STREAM) in one go. False when this connection cannot take another stream.
    /// </summary>
    public bool TryOpen(UpstreamStream s, HttpContext ctx, Span<byte> block, ReadOnlySequence<byte> body, bool bodyComplete, out bool bodySent)
    {
        bodySent = false;
        lock (_sync)
        {
            if (_dead is not null || _goingAway || _streams.Count >= _peerMaxStreams || _nextStreamId > int.MaxValue - 2)
            {
                return false;
            }

            s.Prepare(this);
            s.Id = _nextStreamId;
            _nextStreamId += 2;
            s.SendWindow = _peerInitialWindow;
            _streams.Add(s.Id, s);
            var w = _out.Writer;
            var sendBody = bodyComplete && body.Length <= Math.Min(Math.Min(s.SendWindow, _sendWindow), _peerMaxFrame);
            var endWithHeaders = bodyComplete && body.IsEmpty;
            WriteHeaders(w, s.Id, block, endWithHeaders);
            if (sendBody && !endWithHeaders)
            {
                WriteData(w, s.Id, body, true);
                s.SendWindow -= body.Length;
                _sendWindow -= body.Length;
            }

            bodySent = sendBody;
            Flush();
            return true;
        }
    }

    private void WriteHeaders(PipeWriter w, int id, ReadOnlySpan<byte> block, bool endStream)
    {
        var first = Math.Min(block.Length, _peerMaxFrame);
        var flags = (byte)((endStream ? FrameFlags.EndStream : 0) | (first == block.Length ? FrameFlags.EndHeaders : 0));
        var span = w.GetSpan(FrameWriter.HeaderLength + first);
        FrameWriter.WriteHeader(span, first, FrameType.Headers, flags, id);
        block[..first].CopyTo(span[FrameWriter.HeaderLength..]);
        w.Advance(FrameWriter.HeaderLength + first);
        for (var p = first; p < block.Length;)
        {
            var n = Math.Min(block.Length - p, _peerMaxFrame);
            span = w.GetSpan(FrameWriter.HeaderLength + n);
            FrameWriter.WriteHeader(span, n, FrameType.Continuation, p + n == block.Length ? FrameFlags.EndHeaders : (byte)0, id);
            block.Slice(p, n).CopyTo(span[FrameWriter.HeaderLength..]);
            w.Advance(FrameWriter.HeaderLength + n);
            p += n;
        }
    }

    private static void WriteData(PipeWriter w, int id, ReadOnlySequence<byte> data, bool endStream)
    {
        var len = (int)data.Length;
        var span = w.GetSpan(FrameWriter.HeaderLength + len);
        FrameWriter.WriteHeader(span, len, FrameType.Data, endStream ? FrameFlags.EndStream : (byte)0, id);
        data.CopyTo(span[FrameWriter.HeaderLength..]);
        w.Advance(FrameWriter.HeaderLength + len);
    }

    // Under _sync. With pauseWriterThreshold 0 the flush never waits: it only wakes the send loop.
    private void Flush()
    {
        var f = _out.Writer.FlushAsync();
        if (!f.IsCompleted)
        {
            throw new InvalidOperationException("output pipe flush did not complete synchronously");
        }

        f.GetAwaiter().GetResult();
    }

    /// <summary>Streams the rest of the request body as DATA frames within the backend's flow-control windows.</summary>
    public async Task SendBodyAsync(UpstreamStream s, PipeReader body)
    {
        while (true)
        {
            var r = await body.ReadAsync();
            if (r.IsCanceled)
            {
                return;
            }

            var buf = r.Buffer;
            var endPending = r.IsCompleted;
            while (!buf.IsEmpty || endPending)
            {
                long n;
                lock (_sync)
                {
                    if (s.Closed)
                    {
                        body.AdvanceTo(r.Buffer.End);
                        return;
                    }

                    n = Math.Min(buf.Length, Math.Min(Math.Min(s.SendWindow, _sendWindow), _peerMaxFrame));
                    if (n > 0 || buf.IsEmpty)
                    {
                        var end = endPending && n == buf.Length;
                        WriteData(_out.Writer, s.Id, buf.Slice(0, n), end);
                        s.SendWindow -= n;
                        _sendWindow -= n;
                        Flush();
                        buf = buf.Slice(n);
                        if (end)
                        {
                            endPending = false;
                        }

                        continue;
                    }

                    s.WindowOpened.Reset();
                    s.WaitingForWindow = true;
                    if (_sendWindow <= 0)
                    {
                        _connectionWindowWaiters.Add(s);
                    }
                }

                await s.WindowOpened.WaitAsync();
            }

            body.AdvanceTo(r.Buffer.End);
            if (r.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>The caller consumed <paramref name="n"/> body bytes: reopen the stream's window in large steps.</summary>
    public void Consumed(UpstreamStream s, int n)
    {
        lock (_sync)
        {
            if (s.Closed || s.RemoteEnded)
            {
                return;
            }

            s.ReceivedUnacked += n;
            if (s.ReceivedUnacked >= StreamWindow / 2)
            {
                FrameWriter.WindowUpdate(_out.Writer, s.Id, s.ReceivedUnacked);
                s.ReceivedUnacked = 0;
                Flush();
            }
        }
    }

    /// <summary>Ends a call early (client gone, response done before the request): RST_STREAM CANCEL.</summary>
    public void Cancel(UpstreamStream s, Exception reason)
    {
        lock (_sync)
        {
            if (s.Closed)
            {
                return;
            }

            if (_dead is null)
            {
                FrameWriter.RstStream(_out.Writer, s.Id, ErrorCode.Cancel);
                Flush();
            }

            CloseStream(s, reason);
        }
    }

    // Under _sync: the stream gets no more frames; its readers see the reason (null = ended normally).
    private void CloseStream(UpstreamStream s, Exception? reason)
    {
        s.Closed = true;
        _streams.Remove(s.Id);
        if (!s.RemoteEnded)
        {
            s.RemoteEnded = true;
            s.Body.Writer.Complete(reason);
        }

        if (!s.HeadersReceived)
        {
            s.HeadersArrived.Fail(reason ?? new UpstreamException("the backend ended the stream without headers"));
        }

        if (s.WaitingForWindow)
        {
            s.WaitingForWindow = false;
            s.WindowOpened.Set();
        }
    }
}
