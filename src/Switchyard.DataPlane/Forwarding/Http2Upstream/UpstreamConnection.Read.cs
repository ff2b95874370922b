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
    private readonly List<UpstreamStream> _heldHeaders = new(InlineStreams); // InlineResponse: woken after the read is parsed

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
                        if (_tls is null)
                        {
                            sent += await _socket.SendAsync(segment[sent..], SocketFlags.None);
                        }
                        else
                        {
                            await _tls.WriteAsync(segment);
                            sent = segment.Length;
                        }
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
                var n = _tls is null
                    ? await _socket.ReceiveAsync(buf.AsMemory(end), SocketFlags.None)
                    : await _tls.ReadAsync(buf.AsMemory(end));
                if (n == 0)
                {
                    Die(new UpstreamException("the backend closed the connection"));
                    return;
                }

                Volatile.Write(ref _lastReadAt, Environment.TickCount64);
                end += n;
                while (end - start >= FrameWriter.HeaderLength && _dead is null)
                {
                    var len = (buf[start] << 16) | (buf[start + 1] << 8) | buf[start + 2];
                    if (len > MaxFrame)
                    {
                        throw new Http2ProtocolException(ErrorCode.FrameSizeError, "frame larger than SETTINGS_MAX_FRAME_SIZE");
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

                ReleaseHeldHeaders(inline: true);
                if (_dead is not null)
                {
                    return; // closed (drained, PING timeout, ...): what else the backend sends no longer matters
                }

                if (start == end)
                {
                    start = end = 0;
                }
                else if (buf.Length - end < FrameWriter.HeaderLength + MaxFrame)
                {
                    Buffer.BlockCopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                }
            }
        }
        catch (Http2ProtocolException e)
        {
            Die(new UpstreamException("HTTP/2 protocol error from the backend: " + e.Message), e.Code);
        }
        catch (HpackException e)
        {
            Die(new UpstreamException("HPACK error from the backend: " + e.Message), ErrorCode.CompressionError);
        }
        catch (Exception e)
        {
            Die(e);
        }
        finally
        {
            ReleaseHeldHeaders(inline: false); // a read that broke mid-way: the calls it answered still get their headers
            if (_headerBlock is not null)
            {
                ArrayPool<byte>.Shared.Return(_headerBlock);
                _headerBlock = null;
            }

            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    private void OnFrame(byte type, byte flags, int id, ReadOnlySpan<byte> payload)
    {
        if (_headerBlock is not null && type != FrameType.Continuation)
        {
            throw new Http2ProtocolException(ErrorCode.ProtocolError, "expected CONTINUATION");
        }

        switch (type)
        {
            case FrameType.Data:
                RequireStream(id, "DATA");
                OnData(flags, id, payload);
                break;
            case FrameType.Headers:
                RequireStream(id, "HEADERS");
                payload = Unpad(flags, payload);
                if ((flags & FrameFlags.Priority) != 0)
                {
                    Require(payload.Length >= 5, ErrorCode.FrameSizeError, "HEADERS priority block truncated");
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
            case FrameType.Priority:
                Require(payload.Length == 5, ErrorCode.FrameSizeError, "PRIORITY is not 5 bytes");
                break;
            case FrameType.RstStream:
                RequireStream(id, "RST_STREAM");
                Require(payload.Length == 4, ErrorCode.FrameSizeError, "RST_STREAM is not 4 bytes");
                OnRstStream(id, BinaryPrimitives.ReadUInt32BigEndian(payload));
                break;
            case FrameType.Settings:
                Require(id == 0, ErrorCode.ProtocolError, "SETTINGS on a stream");
                if ((flags & FrameFlags.Ack) == 0)
                {
                    Require(payload.Length % 6 == 0, ErrorCode.FrameSizeError, "SETTINGS length not a multiple of 6");
                    OnSettings(payload);
                }
                else
                {
                    Require(payload.IsEmpty, ErrorCode.FrameSizeError, "SETTINGS ACK with a payload");
                }

                break;
            case FrameType.Ping:
                Require(id == 0, ErrorCode.ProtocolError, "PING on a stream");
                Require(payload.Length == 8, ErrorCode.FrameSizeError, "PING is not 8 bytes");
                if ((flags & FrameFlags.Ack) != 0)
                {
                    OnPingAck();
                }
                else
                {
                    lock (_sync)
                    {
                        FrameWriter.Ping(_out.Writer, payload, true);
                        Flush();
                    }
                }

                break;
            case FrameType.GoAway:
                Require(id == 0, ErrorCode.ProtocolError, "GOAWAY on a stream");
                Require(payload.Length >= 8, ErrorCode.FrameSizeError, "GOAWAY shorter than 8 bytes");
                OnGoAway(BinaryPrimitives.ReadInt32BigEndian(payload) & 0x7FFFFFFF, BinaryPrimitives.ReadUInt32BigEndian(payload[4..]));
                break;
            case FrameType.WindowUpdate:
                Require(payload.Length == 4, ErrorCode.FrameSizeError, "WINDOW_UPDATE is not 4 bytes");
                OnWindowUpdate(id, BinaryPrimitives.ReadInt32BigEndian(payload) & 0x7FFFFFFF);
                break;
            case FrameType.PushPromise:
                throw new Http2ProtocolException(ErrorCode.ProtocolError, "PUSH_PROMISE although push is disabled");
            default:
                break; // unknown types are ignored (RFC 9113 4.1, 5.5)
        }
    }

    private static void Require(bool condition, uint code, string what)
    {
        if (!condition)
        {
            throw new Http2ProtocolException(code, what);
        }
    }

    // Stream frames name a stream we opened (odd, already used): anything else is a connection error.
    private void RequireStream(int id, string frame)
    {
        if (id == 0 || (id & 1) == 0 || id >= Volatile.Read(ref _nextStreamId))
        {
            throw new Http2ProtocolException(ErrorCode.ProtocolError, $"{frame} on stream {id}, which we never opened");
        }
    }

    private static ReadOnlySpan<byte> Unpad(byte flags, ReadOnlySpan<byte> payload)
    {
        if ((flags & FrameFlags.Padded) == 0)
        {
            return payload;
        }

        Require(!payload.IsEmpty, ErrorCode.FrameSizeError, "padded frame without its pad length");
        var pad = payload[0];
        Require(pad < payload.Length, ErrorCode.ProtocolError, "padding longer than the frame");

        return payload[1..^pad];
    }

    private void OnData(byte flags, int id, ReadOnlySpan<byte> payload)
    {
        var frameLength = payload.Length;
        payload = Unpad(flags, payload);
        lock (_sync)
        {
            // The connection window reopens on receipt (a slow caller on one stream must not stop the others);
            // each stream's own window bounds what it buffers.
            _receiveWindow -= frameLength;
            Require(_receiveWindow >= 0, ErrorCode.FlowControlError, "DATA beyond the connection window");
            _receivedUnacked += frameLength;
            if (_receivedUnacked >= ConnectionWindow / 2)
            {
                FrameWriter.WindowUpdate(_out.Writer, 0, _receivedUnacked);
                _receiveWindow += _receivedUnacked;
                _receivedUnacked = 0;
                Flush();
            }

            if (!_streams.TryGetValue(id, out var s) || s.RemoteEnded)
            {
                return; // a stream we reset: its window no longer matters
            }

            s.ReceiveWindow -= frameLength;
            if (s.ReceiveWindow < 0)
            {
                ResetStream(s, ErrorCode.FlowControlError, new UpstreamException("the backend sent DATA beyond the stream's window"));
                return;
            }

            if (frameLength > payload.Length)
            {
                Credit(s, frameLength - payload.Length); // padding is never consumed by the caller
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
            throw new Http2ProtocolException(ErrorCode.ProtocolError, "unexpected CONTINUATION");
        }

        Require(_headerBlockLength + payload.Length <= MaxHeaderList, ErrorCode.ProtocolError, "header block too large");
        if (_headerBlockLength + payload.Length > _headerBlock.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(MaxHeaderList, (_headerBlockLength + payload.Length) * 2));
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
            if (s is not null)
            {
                s.HeaderListSize = 0;
            }

            _hpack.Decode(block, (IHeaderSink?)s ?? DiscardSink.Instance);
            if (s is null || s.RemoteEnded)
            {
                return;
            }

            if (s.HeaderListTooLarge)
            {
                ResetStream(s, ErrorCode.ProtocolError, new UpstreamException(
                    $"the backend's header list is larger than the {MaxHeaderList / 1024} KiB we accept"));
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
                if (InlineResponse.Enabled && _streams.Count <= InlineStreams)
                {
                    if (s.HeadersArrived.Hold())
                    {
                        _heldHeaders.Add(s);
                    }
                }
                else
                {
                    s.HeadersArrived.Set();
                }
            }

            if (endStream)
            {
                EndRemote(s);
            }
        }
    }

    // Outside _sync, on the read loop: the held calls resume here (InlineResponse), each until it first waits. The list
    // is the read loop's own; a call that resumes inline cannot add to it (only OnHeaderBlock does, on this loop).
    private void ReleaseHeldHeaders(bool inline)
    {
        for (var i = 0; i < _heldHeaders.Count; i++)
        {
            var s = _heldHeaders[i];
            _heldHeaders[i] = null!;
            s.HeadersArrived.Release(inline);
        }

        _heldHeaders.Clear();
    }

    private sealed class DiscardSink : IHeaderSink
    {
        public static readonly DiscardSink Instance = new();

        public void OnHeader(string name, string value)
        {
        }
    }
}
