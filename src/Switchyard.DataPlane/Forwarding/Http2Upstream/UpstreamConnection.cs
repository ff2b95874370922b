using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// One multiplexed HTTP/2 connection to a backend (h2c, or h2 over TLS). Callers write frames into an output pipe under one lock (stream
/// ids must go out in order); a send loop drains the pipe to the socket, so frames of concurrent calls share
/// syscalls (<see cref="SendLoopScheduler"/>: optionally, on a lightly loaded connection, the flushing call runs it
/// itself). A read loop parses frames and hands each stream its headers, body bytes and trailers.
/// </summary>
internal sealed partial class UpstreamConnection
{
    public const int StreamWindow = 256 * 1024; // per-stream receive window: bounds what one call may buffer here
    public const int MaxHeaderList = 256 * 1024; // SETTINGS_MAX_HEADER_LIST_SIZE we advertise and enforce
    private const int ConnectionWindow = 16 * 1024 * 1024;
    private const int ReadBufferSize = 64 * 1024;
    private const int MaxFrame = 16384; // the protocol default both ways: never raised, so streams interleave fairly

    private readonly Socket _socket;
    private readonly SslStream? _tls; // null: h2c straight on the socket
    private readonly UpstreamOptions _options;
    private readonly Action<UpstreamConnection>? _onRetired;
    // Open streams up to which a flush sends itself (SendLoopScheduler) and a response resumes on the read loop
    // (InlineResponse), when those switches are on: a light load, where a thread-pool hop costs a worker's wake-up.
    internal const int InlineStreams = 2;
    private readonly Pipe _out;
    private readonly object _sync = new();
    private readonly Dictionary<int, UpstreamStream> _streams = new();
    private readonly HpackDecoder _hpack = new();
    private readonly Signal _settingsArrived = new();
    private int _nextStreamId = 1;
    private long _sendWindow = 65535;
    private int _peerInitialWindow = 65535;
    private int _peerMaxStreams = 100; // x/net/http2's assumption until the backend's SETTINGS say otherwise
    private bool _settingsReceived;
    private long _receiveWindow = ConnectionWindow;
    private int _receivedUnacked;
    private bool _goingAway;
    private Exception? _dead;
    private Task _sendLoop = Task.CompletedTask;

    private UpstreamConnection(Socket socket, SslStream? tls, UpstreamOptions options, Action<UpstreamConnection>? onRetired)
    {
        _socket = socket;
        _tls = tls;
        // Flushes happen under _sync, so the scheduler reads the stream count under it.
        _out = new(new PipeOptions(MemoryPool<byte>.Shared, SendLoopScheduler.For(() => _streams.Count <= InlineStreams),
            PipeScheduler.Inline, pauseWriterThreshold: 0, resumeWriterThreshold: 0, minimumSegmentSize: 16384,
            useSynchronizationContext: false));
        _options = options;
        _onRetired = onRetired;
    }

    public int Active { get { lock (_sync) { return _streams.Count; } } }

    public bool IsUsable { get { lock (_sync) { return _dead is null && !_goingAway; } } }

    /// <summary>Usable and below the backend's SETTINGS_MAX_CONCURRENT_STREAMS.</summary>
    public bool HasRoom { get { lock (_sync) { return _dead is null && !_goingAway && _streams.Count < _peerMaxStreams; } } }

    /// <summary>
    /// Dials (TLS with ALPN h2 when <see cref="UpstreamOptions.Tls"/> is set), sends the preface and waits for the
    /// backend's SETTINGS, all within the dial timeout: the connection is handed out only once its limits are known.
    /// Fails with a <see cref="TimeoutException"/> (dial timeout), a <see cref="SocketException"/> (refused, unreachable),
    /// an <see cref="UpstreamException"/> (TLS, ALPN, the backend closed or broke the protocol), or the caller's cancellation.
    /// </summary>
    public static async Task<UpstreamConnection> ConnectAsync(EndPoint backend, UpstreamOptions options,
        Action<UpstreamConnection>? onRetired, CancellationToken ct)
    {
        using var dial = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (options.DialTimeout > TimeSpan.Zero) // zero: no dial timeout, as in Traefik
        {
            dial.CancelAfter(options.DialTimeout);
        }

        var socket = new Socket(backend.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SslStream? tls = null;
        UpstreamConnection? c = null;
        try
        {
            await socket.ConnectAsync(backend, dial.Token);
            if (options.Tls is { } tlsOptions)
            {
                tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
                await tls.AuthenticateAsClientAsync(WithH2(tlsOptions), dial.Token);
                if (tls.NegotiatedApplicationProtocol != SslApplicationProtocol.Http2)
                {
                    throw new UpstreamException("the backend did not agree to HTTP/2 in the TLS handshake (ALPN h2)", beforeProcessing: true);
                }
            }

            c = new UpstreamConnection(socket, tls, options, onRetired);
            FrameWriter.Preface(c._out.Writer, StreamWindow, ConnectionWindow - 65535, MaxHeaderList);
            await c._out.Writer.FlushAsync(dial.Token);
            c.Start();
            await c._settingsArrived.WaitAsync().AsTask().WaitAsync(dial.Token);
            return c;
        }
        catch (Exception e)
        {
            // A dial that ran out of time is a TimeoutException, as SocketsHttpHandler's ConnectTimeout reports it;
            // a refused or unreachable backend stays a SocketException (a connect failure to the classification).
            Exception? reason = e switch
            {
                UpstreamException or SocketException => null,
                OperationCanceledException when !ct.IsCancellationRequested => new TimeoutException(
                    $"connecting to the backend timed out after {options.DialTimeout.TotalSeconds:0.###} s"),
                AuthenticationException => new UpstreamException("TLS handshake with the backend failed: " + e.Message, beforeProcessing: true),
                IOException => new UpstreamException("connecting to the backend failed: " + e.Message, beforeProcessing: true),
                _ => null,
            };
            if (c is null)
            {
                tls?.Dispose();
                socket.Dispose();
            }
            else
            {
                c.Die(reason ?? e);
            }

            if (reason is not null)
            {
                throw reason;
            }

            throw;
        }
    }

    // The transport's TLS settings with ALPN h2 only: the caller's object is shared by every dial and stays as it is.
    private static SslClientAuthenticationOptions WithH2(SslClientAuthenticationOptions o) => new()
    {
        TargetHost = o.TargetHost,
        ClientCertificates = o.ClientCertificates,
        ClientCertificateContext = o.ClientCertificateContext,
        LocalCertificateSelectionCallback = o.LocalCertificateSelectionCallback,
        RemoteCertificateValidationCallback = o.RemoteCertificateValidationCallback,
        CertificateChainPolicy = o.CertificateChainPolicy,
        CertificateRevocationCheckMode = o.CertificateRevocationCheckMode,
        EnabledSslProtocols = o.EnabledSslProtocols,
        CipherSuitesPolicy = o.CipherSuitesPolicy,
        ApplicationProtocols = [SslApplicationProtocol.Http2],
    };

    /// <summary>
    /// Opens a stream: assigns its id and writes HEADERS (and, when the whole request body is already here and fits
    /// the windows, its DATA with END_STREAM) in one go. False when this connection cannot take another stream.
    /// </summary>
    public bool TryOpen(UpstreamStream s, HttpContext ctx, Span<byte> block, ReadOnlySequence<byte> body, bool bodyComplete, out bool bodySent)
    {
        bodySent = false;
        lock (_sync)
        {
            if (_dead is not null || _goingAway || _streams.Count >= _peerMaxStreams)
            {
                return false;
            }

            s.Prepare(this);
            s.Id = _nextStreamId;
            _nextStreamId += 2;
            if (_nextStreamId > int.MaxValue - 2)
            {
                Retire(); // stream ids run out: the pool dials a fresh connection, this one drains
            }

            s.SendWindow = _peerInitialWindow;
            _streams.Add(s.Id, s);
            _idleSince = 0;
            var w = _out.Writer;
            var sendBody = bodyComplete && body.Length <= Math.Min(Math.Min(s.SendWindow, _sendWindow), MaxFrame);
            var endWithHeaders = bodyComplete && body.IsEmpty;
            WriteHeaders(w, s.Id, block, endWithHeaders);
            if (sendBody && !endWithHeaders)
            {
                WriteData(w, s.Id, body, true);
                s.SendWindow -= body.Length;
                _sendWindow -= body.Length;
            }

            s.LocalEnded = sendBody;
            bodySent = sendBody;
            Flush();
            return true;
        }
    }

    private static void WriteHeaders(PipeWriter w, int id, ReadOnlySpan<byte> block, bool endStream)
    {
        var first = Math.Min(block.Length, MaxFrame);
        var flags = (byte)((endStream ? FrameFlags.EndStream : 0) | (first == block.Length ? FrameFlags.EndHeaders : 0));
        var span = w.GetSpan(FrameWriter.HeaderLength + first);
        FrameWriter.WriteHeader(span, first, FrameType.Headers, flags, id);
        block[..first].CopyTo(span[FrameWriter.HeaderLength..]);
        w.Advance(FrameWriter.HeaderLength + first);
        for (var p = first; p < block.Length;)
        {
            var n = Math.Min(block.Length - p, MaxFrame);
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
}
