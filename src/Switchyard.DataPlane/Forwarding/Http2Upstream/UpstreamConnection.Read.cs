using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>The connection's read and send loops: frames from the backend, bytes to it.</summary>
internal sealed partial class UpstreamConnection
{
    private byte[]? _headerBlock; // CONTINUATION accumulation (rare): pooled while in use
    private int _headerBlockLength;
    private int _headerBlockStream;
    private bool _headerBlockEndStream;

    private async Task SendLoopAsync()
    {
        var reader = _out.Reader;
        try
        {
            while (true)
            {
                var r = await reader.ReadAsync();
                foreach (var segment in r.Buffer)
                {
                    for (var sent = 0; sent < segment.Length;)
                    {
                        sent += await _socket.SendAsync(segment[sent..], SocketFlags.None);
                    }
                }

                reader.AdvanceTo(r.Buffer.End);
                if (r.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e)
        {
            Die(e);
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private async Task ReadLoopAsync()
    {
        var buf = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buf.AsMemory(end), SocketFlags.None);
                if (n == 0)
                {
                    Die(new UpstreamException("the backend closed the connection"));
                    return;
                }

                end += n;
                while (end - start >= FrameWriter.HeaderLength)
                {
                    var len = (buf[start] << 16) | (buf[start + 1] << 8) | buf[start + 2];
                    if (len > 16384)
                    {
                        throw new UpstreamException("frame larger than SETTINGS_MAX_FRAME_SIZE");
                    }

                    if (end - start < FrameWriter.HeaderLength + len)
                    {
                        break;
                    }

                    var type = buf[start + 3];
                    var flags = buf[start + 4];
                    var id = BinaryPrimitives.ReadInt32BigEndian(buf.AsSpan(start + 5)) & 0x7FFFFFFF;
                    OnFrame(type, flags, id, buf.AsSpan(start + FrameWriter.HeaderLength, len));
                    start += FrameWriter.HeaderLength + len;
                }

                if (start == end)
                {
                    start = end = 0;
                }
                else if (buf.Length - end < FrameWriter.HeaderLength + 16384)
                {
                    Buffer.BlockCopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                }
            }
        }
        catch (Exception e)
        {
            Die(e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    private void OnFrame(byte type, byte flags, int id, ReadOnlySpan<byte> payload)
    {
        if (_headerBlock is not null && type != FrameType.Continuation)
        {
            throw new UpstreamException("expected CONTINUATION");
        }

        switch (type)
        {
            case FrameType.Data:
                OnData(flags, id, payload);
                break;
            case FrameType.Headers:
                payload = Unpad(flags, payload);
                if ((flags & FrameFlags.Priority) != 0)
                {
                    payload = payload[5..];
                }

                if ((flags & FrameFlags.EndHeaders) != 0)
                {
                    OnHeaderBlock(id, payload, (flags & FrameFlags.EndStream) != 0);
                }
                else
                {
                    _headerBlock = ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length * 2, 16384));
                    payload.CopyTo(_headerBlock);
                    _headerBlockLength = payload.Length;
                    _headerBlockStream = id;
                    _headerBlockEndStream = (flags & FrameFlags.EndStream) != 0;
                }

                break;
            case FrameType.Continuation:
                OnContinuation(flags, id, payload);
                break;
            case FrameType.RstStream:
                lock (_sync)
                {
                    if (_streams.TryGetValue(id, out var s))
                    {
                        var code = BinaryPrimitives.ReadUInt32BigEndian(payload);
                        CloseStream(s, new UpstreamException($"the backend reset the stream ({code})", code == ErrorCode.RefusedStream));
                    }
                }

                break;
            case FrameType.Settings:
                if ((flags & FrameFlags.Ack) == 0)
                {
                    OnSettings(payload);
                }

                break;
            case FrameType.Ping:
                if ((flags & FrameFlags.Ack) == 0)
                {
                    lock (_sync)
                    {
                        FrameWriter.Ping(_out.Writer, payload, true);
                        Flush();
                    }
                }

                break;
            case FrameType.GoAway:
                OnGoAway(BinaryPrimitives.ReadInt32BigEndian(payload) & 0x7FFFFFFF);
                break;
            case FrameType.WindowUpdate:
                OnWindowUpdate(id, BinaryPrimitives.ReadInt32BigEndian(payload) & 0x7FFFFFFF);
                break;
            case FrameType.PushPromise:
                throw new UpstreamException("PUSH_PROMISE although push is disabled");
            default:
                break; // PRIORITY and unknown types are ignored (RFC 9113 4.1, 5.5)
        }
    }

    private static ReadOnlySpan<byte> Unpad(byte flags, ReadOnlySpan<byte> payload)
    {
        if ((flags & FrameFlags.Padded) == 0)
        {
            return payload;
        }

        var pad = payload[0];
        if (pad >= payload.Length)
        {
            throw new UpstreamException("padding longer than the frame");
        }

        return payload[1..^pad];
    }

    private void OnData(byte flags, int id, ReadOnlySpan<byte> payload)
    {
        var frameLength = payload.Length;
        payload = Unpad(flags, payload);
        lock (_sync)
        {
            _receivedUnacked += frameLength;
            if (_receivedUnacked >= ConnectionWindow / 2)
            {
                FrameWriter.WindowUpdate(_out.Writer, 0, _receivedUnacked);
                _receivedUnacked = 0;
                Flush();
            }

            if (!_streams.TryGetValue(id, out var s) || s.RemoteEnded)
            {
                return; // a stream we reset: its window no longer matters
            }

            if (!payload.IsEmpty)
            {
                s.Body.Writer.Write(payload);
                var f = s.Body.Writer.FlushAsync();
                f.GetAwaiter().GetResult();
            }

            if ((flags & FrameFlags.EndStream) != 0)
            {
                EndRemote(s);
            }
        }
    }

    private void OnContinuation(byte flags, int id, ReadOnlySpan<byte> payload)
    {
        if (_headerBlock is null || id != _headerBlockStream)
        {
            throw new UpstreamException("unexpected CONTINUATION");
        }

        if (_headerBlockLength + payload.Length > MaxHeaderBlock)
        {
            throw new UpstreamException("header block too large");
        }

        if (_headerBlockLength + payload.Length > _headerBlock.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(MaxHeaderBlock, (_headerBlockLength + payload.Length) * 2));
            _headerBlock.AsSpan(0, _headerBlockLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_headerBlock);
            _headerBlock = bigger;
        }

        payload.CopyTo(_headerBlock.AsSpan(_headerBlockLength));
        _headerBlockLength += payload.Length;
        if ((flags & FrameFlags.EndHeaders) != 0)
        {
            var block = _headerBlock;
            _headerBlock = null;
            OnHeaderBlock(id, block.AsSpan(0, _headerBlockLength), _headerBlockEndStream);
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    private void OnHeaderBlock(int id, ReadOnlySpan<byte> block, bool endStream)
    {
        lock (_sync)
        {
            // Decode even for a stream we reset: the dynamic table must follow every block the backend sends.
            _streams.TryGetValue(id, out var s);
            _hpack.Decode(block, (IHeaderSink?)s ?? DiscardSink.Instance);
            if (s is null || s.RemoteEnded)
            {
                return;
            }

            if (!s.HeadersReceived)
            {
                if (s.Status is >= 100 and < 200)
                {
                    s.Headers.Clear(); // informational: the real response follows
                    return;
                }

                s.HeadersReceived = true;
                s.HeadersArrived.Set();
            }

            if (endStream)
            {
                EndRemote(s);
            }
        }
    }

    // Under _sync: END_STREAM from the backend. The call is over for it; our side stops sending too.
    private void EndRemote(UpstreamStream s)
    {
        s.RemoteEnded = true;
        s.Body.Writer.Complete();
        CloseStream(s, null);
    }

    private sealed class DiscardSink : IHeaderSink
    {
        public static readonly DiscardSink Instance = new();

        public void OnHeader(string name, string value)
        {
        }
    }
}
