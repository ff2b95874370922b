using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Switchyard.DataPlane.EntryPoints;

/// <summary>
/// readHeaderTimeout for HTTP/2. Kestrel's RequestHeadersTimeout only covers HTTP/1.1 (and the HTTP/2 preface):
/// a client trickling a HEADERS frame, or holding back its CONTINUATION, keeps its connection until the idle
/// timeout. This connection middleware (HTTP/2 connections only) follows the frame boundaries of what Kestrel
/// reads and closes the connection when a header block is still incomplete <c>timeout</c> after its HEADERS frame
/// began. A header block that arrives within one read (the usual case) never touches the timer.
/// </summary>
internal static class Http2HeaderTimeout
{
    public static Func<ConnectionDelegate, ConnectionDelegate> Create(TimeSpan timeout, bool tls) => next => async connection =>
    {
        if (timeout <= TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan || (tls && !NegotiatedHttp2(connection)))
        {
            await next(connection);
            return;
        }

        var original = connection.Transport;
        using var reader = new HeaderBlockWatch(original.Input, connection, timeout);
        connection.Transport = new Pipe(reader, original.Output);
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = original;
        }
    };

    private static bool NegotiatedHttp2(ConnectionContext connection) =>
        connection.Features.Get<ITlsApplicationProtocolFeature>() is { } alpn && alpn.ApplicationProtocol.Span.SequenceEqual("h2"u8);

    private sealed record Pipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    /// <summary>The connection's input as Kestrel reads it, parsed frame by frame (headers only, payloads skipped).</summary>
    private sealed class HeaderBlockWatch : PipeReader, IDisposable
    {
        private const int PrefaceLength = 24;
        private const int FrameHeaderLength = 9;
        private const byte Headers = 0x1;
        private const byte Continuation = 0x9;
        private const byte EndHeaders = 0x4;

        private readonly PipeReader _inner;
        private readonly ConnectionContext _connection;
        private readonly TimeSpan _timeout;
        private readonly byte[] _frameHeader = new byte[FrameHeaderLength];
        private ITimer? _timer;
        private ReadOnlySequence<byte> _last;
        private long _parsed; // bytes of the unconsumed input already parsed
        private long _prefaceLeft = PrefaceLength;
        private int _headerFill; // bytes of the current frame header seen
        private long _payloadLeft;
        private bool _closesBlock; // the current frame ends a header block (END_HEADERS)
        private long _blockStarted; // timestamp when the open header block began; 0 when none is open
        private long _frameStarted;
        private bool _armed;

        public HeaderBlockWatch(PipeReader inner, ConnectionContext connection, TimeSpan timeout)
        {
            _inner = inner;
            _connection = connection;
            _timeout = timeout;
        }

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var result = await _inner.ReadAsync(cancellationToken);
            Observe(result.Buffer);
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!_inner.TryRead(out result))
            {
                return false;
            }

            Observe(result.Buffer);
            return true;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            _parsed -= _last.Slice(_last.Start, consumed).Length;
            _last = default;
            _inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => _inner.CancelPendingRead();

        public override void Complete(Exception? exception = null)
        {
            Disarm();
            _inner.Complete(exception);
        }

        public void Dispose()
        {
            _timer?.Dispose();
        }

        private void Observe(ReadOnlySequence<byte> buffer)
        {
            _last = buffer;
            if (buffer.Length > _parsed)
            {
                foreach (var segment in buffer.Slice(_parsed))
                {
                    Parse(segment.Span);
                }

                _parsed = buffer.Length;
            }

            if (_blockStarted != 0)
            {
                Arm();
            }
            else if (_armed)
            {
                Disarm();
            }
        }

        private void Parse(ReadOnlySpan<byte> data)
        {
            while (!data.IsEmpty)
            {
                if (_prefaceLeft > 0)
                {
                    var skip = (int)Math.Min(_prefaceLeft, data.Length);
                    _prefaceLeft -= skip;
                    data = data[skip..];
                    continue;
                }

                if (_payloadLeft > 0)
                {
                    var skip = (int)Math.Min(_payloadLeft, data.Length);
                    _payloadLeft -= skip;
                    data = data[skip..];
                    if (_payloadLeft == 0)
                    {
                        EndOfFrame();
                    }

                    continue;
                }

                if (_headerFill == 0)
                {
                    _frameStarted = TimeProvider.System.GetTimestamp();
                }

                var take = Math.Min(FrameHeaderLength - _headerFill, data.Length);
                data[..take].CopyTo(_frameHeader.AsSpan(_headerFill));
                _headerFill += take;
                data = data[take..];
                if (_headerFill < FrameHeaderLength)
                {
                    if (_headerFill >= 4 && _frameHeader[3] == Headers && _blockStarted == 0)
                    {
                        _blockStarted = _frameStarted; // a HEADERS frame is arriving
                    }

                    continue;
                }

                _headerFill = 0;
                _payloadLeft = (_frameHeader[0] << 16) | (_frameHeader[1] << 8) | _frameHeader[2];
                var type = _frameHeader[3];
                if (type == Headers && _blockStarted == 0)
                {
                    _blockStarted = _frameStarted;
                }

                _closesBlock = type is Headers or Continuation && (_frameHeader[4] & EndHeaders) != 0;
                if (_payloadLeft == 0)
                {
                    EndOfFrame();
                }
            }
        }

        private void EndOfFrame()
        {
            if (_closesBlock)
            {
                _blockStarted = 0;
                _closesBlock = false;
            }
        }

        private void Arm()
        {
            if (_armed)
            {
                return;
            }

            var remaining = _timeout - TimeProvider.System.GetElapsedTime(_blockStarted);
            _timer ??= TimeProvider.System.CreateTimer(static s => ((HeaderBlockWatch)s!).Expired(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
            _armed = true;
        }

        private void Disarm()
        {
            if (_armed)
            {
                _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _armed = false;
            }
        }

        private void Expired()
        {
            // Read without the reader's lock: a block that closed just now may still be cut, which only costs a
            // client that took the whole timeout to send its headers its connection.
            if (Volatile.Read(ref _blockStarted) != 0)
            {
                _connection.Abort(new ConnectionAbortedException("HTTP/2 request headers were not received within readHeaderTimeout"));
            }
        }
    }
}
