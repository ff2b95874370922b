using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Google.Protobuf;
using Switchyard.DataPlane.Forwarding.Http2Upstream;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Forwarding;

/// <summary>
/// A scripted HTTP/2 backend on raw frames, for what a well-behaved Kestrel never does on cue: GOAWAY, REFUSED_STREAM,
/// a tiny SETTINGS_MAX_CONCURRENT_STREAMS, silence to a PING, malformed frames.
/// </summary>
public sealed partial class Http2UpstreamTests
{
    private static CancellationToken Token => TestContext.CurrentContext.CancellationToken;

    private sealed record Frame(byte Type, byte Flags, int Stream, byte[] Payload)
    {
        public uint Code => BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(Type == FrameType.GoAway ? 4 : 0));
    }

    private sealed class RawPeer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Channel<PeerConnection> _accepted = Channel.CreateUnbounded<PeerConnection>();
        private readonly List<PeerConnection> _all = [];
        private readonly Task _acceptLoop;

        public RawPeer()
        {
            _listener.Start();
            _acceptLoop = AcceptLoopAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Accepted { get { lock (_all) { return _all.Count; } } }

        private async Task AcceptLoopAsync()
        {
            try
            {
                while (true)
                {
                    var c = new PeerConnection(await _listener.AcceptTcpClientAsync());
                    lock (_all)
                    {
                        _all.Add(c);
                    }

                    _accepted.Writer.TryWrite(c);
                }
            }
            catch (Exception)
            {
                // the listener stopped
            }
        }

        /// <summary>The next connection the upstream dials, before any byte is exchanged.</summary>
        public ValueTask<PeerConnection> NextConnectionAsync() => _accepted.Reader.ReadAsync(Token);

        /// <summary>The next connection, after the handshake: its preface read, our SETTINGS sent.</summary>
        public async Task<PeerConnection> AcceptAsync(params (ushort Key, uint Value)[] settings)
        {
            var c = await NextConnectionAsync();
            await c.HandshakeAsync(settings);
            return c;
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _acceptLoop;
            lock (_all)
            {
                _all.ForEach(c => c.Dispose());
            }
        }
    }

    private sealed class PeerConnection(TcpClient client) : IDisposable
    {
        private readonly TcpClient _client = client;
        private readonly NetworkStream _stream = client.GetStream();
        private readonly SemaphoreSlim _write = new(1, 1);

        public async Task HandshakeAsync((ushort Key, uint Value)[] settings)
        {
            var preface = new byte[24];
            await _stream.ReadExactlyAsync(preface, Token);
            Assert.That(Encoding.ASCII.GetString(preface), Is.EqualTo("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
            var payload = new byte[settings.Length * 6];
            for (var i = 0; i < settings.Length; i++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(i * 6), settings[i].Key);
                BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(i * 6 + 2), settings[i].Value);
            }

            await WriteAsync(FrameType.Settings, 0, 0, payload);
        }

        public async Task WriteAsync(byte type, byte flags, int stream, byte[] payload)
        {
            var frame = new byte[FrameWriter.HeaderLength + payload.Length];
            FrameWriter.WriteHeader(frame, payload.Length, type, flags, stream);
            payload.CopyTo(frame, FrameWriter.HeaderLength);
            await _write.WaitAsync(Token);
            try
            {
                await _stream.WriteAsync(frame, Token);
            }
            finally
            {
                _write.Release();
            }
        }

        public Task WriteCodeAsync(byte type, int stream, uint code, int lastStreamId = 0)
        {
            var p = new byte[type == FrameType.GoAway ? 8 : 4];
            if (type == FrameType.GoAway)
            {
                BinaryPrimitives.WriteInt32BigEndian(p, lastStreamId);
            }

            BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(p.Length - 4), code);
            return WriteAsync(type, 0, stream, p);
        }

        /// <summary>The next frame from the upstream, or null once it closed the connection.</summary>
        public async Task<Frame?> ReadAsync()
        {
            var head = new byte[FrameWriter.HeaderLength];
            try
            {
                await _stream.ReadExactlyAsync(head, Token);
                var payload = new byte[(head[0] << 16) | (head[1] << 8) | head[2]];
                await _stream.ReadExactlyAsync(payload, Token);
                return new Frame(head[3], head[4], BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(5)) & 0x7FFFFFFF, payload);
            }
            catch (Exception e) when (e is EndOfStreamException or IOException)
            {
                return null;
            }
        }

        /// <summary>Reads until a frame matches; null when the connection closed first.</summary>
        public async Task<Frame?> NextAsync(Func<Frame, bool> match)
        {
            while (await ReadAsync() is { } f)
            {
                if (match(f))
                {
                    return f;
                }
            }

            return null;
        }

        /// <summary>The next call: its HEADERS, then the message of its first DATA frame.</summary>
        public async Task<(int Stream, string Message)> CallAsync()
        {
            var headers = await NextAsync(f => f.Type == FrameType.Headers);
            Assert.That(headers, Is.Not.Null, "the upstream closed the connection instead of sending a call");
            var data = await NextAsync(f => f.Type == FrameType.Data && f.Stream == headers!.Stream);
            return (headers!.Stream, EchoRequest.Parser.ParseFrom(data!.Payload.AsSpan(5)).Message);
        }

        /// <summary>A whole gRPC answer: headers, one message, trailers with grpc-status 0.</summary>
        public async Task AnswerAsync(int stream, string message)
        {
            await WriteAsync(FrameType.Headers, FrameFlags.EndHeaders, stream,
                Block((":status", "200"), ("content-type", "application/grpc")));
            var body = new EchoReply { Message = message }.ToByteArray();
            var data = new byte[5 + body.Length];
            BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(1), body.Length);
            body.CopyTo(data, 5);
            await WriteAsync(FrameType.Data, 0, stream, data);
            await WriteAsync(FrameType.Headers, FrameFlags.EndHeaders | FrameFlags.EndStream, stream, Block(("grpc-status", "0")));
        }

        public void Dispose() => _client.Dispose();
    }

    // HPACK literals without indexing, new name, raw strings (RFC 7541 6.2.2): enough to answer, no table involved.
    private static byte[] Block(params (string Name, string Value)[] fields)
    {
        var b = new List<byte>();
        foreach (var (name, value) in fields)
        {
            b.Add(0);
            HpackString(b, name);
            HpackString(b, value);
        }

        return [.. b];
    }

    private static void HpackString(List<byte> b, string s)
    {
        HpackInt(b, 0, 7, s.Length);
        b.AddRange(Encoding.ASCII.GetBytes(s));
    }

    private static void HpackInt(List<byte> b, byte first, int prefix, int value)
    {
        var max = (1 << prefix) - 1;
        if (value < max)
        {
            b.Add((byte)(first | value));
            return;
        }

        b.Add((byte)(first | max));
        for (value -= max; value >= 128; value >>= 7)
        {
            b.Add((byte)((value & 0x7F) | 0x80));
        }

        b.Add((byte)value);
    }
}
