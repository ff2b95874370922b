namespace Switchyard.DataPlane.Services;

/// <summary>
/// Wraps a request body so that what the main call reads is also copied for the mirrors, up to a limit.
/// The main call is never slowed by a mirror: it reads at its own pace and the copy is a memcpy.
/// </summary>
internal sealed class BodyCaptureStream(Stream inner, long maxBytes) : Stream
{
    private readonly MemoryStream _copy = new();

    /// <summary>The main call read the body to its end.</summary>
    public bool Completed { get; private set; }

    /// <summary>The body was larger than the limit; it is not mirrored (Traefik's maxBodySize rule).</summary>
    public bool Overflow { get; private set; }

    public ArraySegment<byte> Captured => _copy.TryGetBuffer(out var segment) ? segment : new ArraySegment<byte>(_copy.ToArray());

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Capture(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override int Read(Span<byte> buffer) => Capture(buffer[..inner.Read(buffer)]);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        return Capture(buffer.Span[..n]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Capture(ReadOnlySpan<byte> read)
    {
        if (read.Length == 0)
        {
            Completed = true;
        }
        else if (!Overflow)
        {
            if (maxBytes >= 0 && _copy.Length + read.Length > maxBytes)
            {
                Overflow = true;
                _copy.SetLength(0);
            }
            else
            {
                _copy.Write(read);
            }
        }

        return read.Length;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
