namespace Switchyard.DataPlane.Middlewares.Retry;

/// <summary>
/// The request body as retry sees it: the bytes read from the caller are kept (up to maxRequestBodyBytes),
/// so that an attempt that failed after the forwarder had read them can send them again — a unary gRPC call's
/// whole body, which the forwarder may well have read before the backend connection broke. Past the limit the
/// body cannot be sent again and <see cref="CannotReplay"/> turns true.
/// </summary>
/// <param name="replayLimit">The most bytes kept (retry's maxRequestBodyBytes; -1 or more than an array holds: as many as an array holds).</param>
public sealed class ReadTrackingStream(Stream inner, long replayLimit) : Stream
{
    private readonly int _replayLimit = replayLimit < 0 || replayLimit > Array.MaxLength ? Array.MaxLength : (int)replayLimit;
    private byte[] _kept = [];
    private int _keptLength;
    private int _replayAt = -1; // ≥ 0 while the kept bytes are being read again

    /// <summary>Part of the body was consumed and not kept: a new attempt could not send the whole body.</summary>
    public bool CannotReplay { get; private set; }

    /// <summary>The next attempt reads the body from its start again.</summary>
    public void Rewind()
    {
        if (!CannotReplay && _keptLength > 0)
        {
            _replayAt = 0;
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (TryReplay(buffer.Span, out var replayed))
        {
            return replayed;
        }

        var n = await inner.ReadAsync(buffer, cancellationToken);
        Keep(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (TryReplay(buffer.AsSpan(offset, count), out var replayed))
        {
            return replayed;
        }

        var n = inner.Read(buffer, offset, count);
        Keep(buffer.AsSpan(offset, n));
        return n;
    }

    private bool TryReplay(Span<byte> destination, out int n)
    {
        n = 0;
        if (_replayAt < 0)
        {
            return false;
        }

        if (_replayAt >= _keptLength)
        {
            _replayAt = -1; // everything kept was read again: continue with the caller's stream
            return false;
        }

        if (destination.IsEmpty)
        {
            // A zero-byte read (YARP's copier waits for data with one before renting a buffer): the kept bytes are
            // ready. Ending the replay here would send the rest of the body without its start.
            return true;
        }

        n = Math.Min(destination.Length, _keptLength - _replayAt);
        _kept.AsSpan(_replayAt, n).CopyTo(destination);
        _replayAt += n;
        return true;
    }

    private void Keep(ReadOnlySpan<byte> read)
    {
        if (read.IsEmpty || CannotReplay)
        {
            return;
        }

        if ((long)_keptLength + read.Length > _replayLimit)
        {
            CannotReplay = true;
            _kept = [];
            return;
        }

        if (_keptLength + read.Length > _kept.Length)
        {
            Array.Resize(ref _kept, (int)Math.Min(_replayLimit, Math.Max(_keptLength + read.Length, Math.Max(256L, _kept.Length * 2L))));
        }

        read.CopyTo(_kept.AsSpan(_keptLength));
        _keptLength += read.Length;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
