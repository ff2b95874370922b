using Switchyard.Model;

namespace Switchyard.Routing.Table;

/// <summary>A write-only stream that feeds SHA-256: lets a serializer hash a large document without holding it.</summary>
/// <remarks>The managed <see cref="Sha256"/>: hashing a table must not load OpenSSL (see there).</remarks>
internal sealed class HashingStream : Stream
{
    private readonly Sha256 _hash = new();
    private long _length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.Append(buffer);
        _length += buffer.Length;
    }

    public string HexDigest() => Convert.ToHexString(_hash.GetHashAndReset());

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
