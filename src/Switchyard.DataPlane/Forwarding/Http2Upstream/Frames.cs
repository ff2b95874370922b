using System.Buffers;
using System.Buffers.Binary;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

internal static class FrameType
{
    public const byte Data = 0, Headers = 1, Priority = 2, RstStream = 3, Settings = 4, PushPromise = 5, Ping = 6,
        GoAway = 7, WindowUpdate = 8, Continuation = 9;
}

internal static class FrameFlags
{
    public const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4, Padded = 0x8, Priority = 0x20;
}

internal static class ErrorCode
{
    public const uint NoError = 0, ProtocolError = 1, InternalError = 2, FlowControlError = 3, StreamClosed = 5,
        FrameSizeError = 6, RefusedStream = 7, Cancel = 8, CompressionError = 9;
}

/// <summary>Writes HTTP/2 frames (RFC 9113 section 4.1) straight into the connection's output buffer.</summary>
internal static class FrameWriter
{
    public const int HeaderLength = 9;

    public static void WriteHeader(Span<byte> dst, int length, byte type, byte flags, int streamId)
    {
        dst[0] = (byte)(length >> 16);
        dst[1] = (byte)(length >> 8);
        dst[2] = (byte)length;
        dst[3] = type;
        dst[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(dst[5..], streamId & 0x7FFFFFFF);
    }

    public static void Data(IBufferWriter<byte> w, int streamId, ReadOnlySpan<byte> payload, bool endStream)
    {
        var span = w.GetSpan(HeaderLength + payload.Length);
        WriteHeader(span, payload.Length, FrameType.Data, endStream ? FrameFlags.EndStream : (byte)0, streamId);
        payload.CopyTo(span[HeaderLength..]);
        w.Advance(HeaderLength + payload.Length);
    }

    public static void WindowUpdate(IBufferWriter<byte> w, int streamId, int increment)
    {
        var span = w.GetSpan(HeaderLength + 4);
        WriteHeader(span, 4, FrameType.WindowUpdate, 0, streamId);
        BinaryPrimitives.WriteInt32BigEndian(span[HeaderLength..], increment);
        w.Advance(HeaderLength + 4);
    }

    public static void RstStream(IBufferWriter<byte> w, int streamId, uint code)
    {
        var span = w.GetSpan(HeaderLength + 4);
        WriteHeader(span, 4, FrameType.RstStream, 0, streamId);
        BinaryPrimitives.WriteUInt32BigEndian(span[HeaderLength..], code);
        w.Advance(HeaderLength + 4);
    }

    public static void Ping(IBufferWriter<byte> w, ReadOnlySpan<byte> opaque, bool ack)
    {
        var span = w.GetSpan(HeaderLength + 8);
        WriteHeader(span, 8, FrameType.Ping, ack ? FrameFlags.Ack : (byte)0, 0);
        opaque.CopyTo(span[HeaderLength..]);
        w.Advance(HeaderLength + 8);
    }

    public static void SettingsAck(IBufferWriter<byte> w)
    {
        var span = w.GetSpan(HeaderLength);
        WriteHeader(span, 0, FrameType.Settings, FrameFlags.Ack, 0);
        w.Advance(HeaderLength);
    }

    public static void GoAway(IBufferWriter<byte> w, int lastStreamId, uint code)
    {
        var span = w.GetSpan(HeaderLength + 8);
        WriteHeader(span, 8, FrameType.GoAway, 0, 0);
        BinaryPrimitives.WriteInt32BigEndian(span[HeaderLength..], lastStreamId);
        BinaryPrimitives.WriteUInt32BigEndian(span[(HeaderLength + 4)..], code);
        w.Advance(HeaderLength + 8);
    }

    /// <summary>Client preface, our SETTINGS and a connection window raise, in one write.</summary>
    public static void Preface(IBufferWriter<byte> w, int streamWindow, int connectionWindowIncrement, int maxHeaderList)
    {
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.CopyTo(w.GetSpan(24));
        w.Advance(24);
        var span = w.GetSpan(HeaderLength + 18);
        WriteHeader(span, 18, FrameType.Settings, 0, 0);
        var s = span[HeaderLength..];
        WriteSetting(s, 0x2, 0); // ENABLE_PUSH off
        WriteSetting(s[6..], 0x4, (uint)streamWindow); // INITIAL_WINDOW_SIZE
        WriteSetting(s[12..], 0x6, (uint)maxHeaderList); // MAX_HEADER_LIST_SIZE
        w.Advance(HeaderLength + 18);
        WindowUpdate(w, 0, connectionWindowIncrement);
    }

    private static void WriteSetting(Span<byte> s, ushort id, uint value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(s, id);
        BinaryPrimitives.WriteUInt32BigEndian(s[2..], value);
    }
}
