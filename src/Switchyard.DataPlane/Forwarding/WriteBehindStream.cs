using System.Buffers;
using System.Runtime.CompilerServices;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// The backend's request-body stream as YARP's body copier sees it: a write copies the bytes into a pooled buffer of
/// their own size (a unary gRPC message: tens of bytes) and returns at once, while the real write and the flushes
/// after it go on behind. YARP's copier holds its fixed 64 KB buffer only across its own awaits, so it no longer
/// holds one per call while the HTTP/2 connection's writer is busy with the other streams (issue 21: ~100 MB of
/// 64 KB buffers under 512 concurrent streams). Order and backpressure stay: at most one write or flush is in flight,
/// the next one waits for it, and its failure is thrown by the next write, flush or <see cref="DrainAsync"/>, so the
/// copier still reports a backend-side failure as a destination error.
/// </summary>
public sealed class WriteBehindStream(Stream inner) : Stream
{
    private ValueTask _pending;
    private bool _pendingHoldsData;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Waits for the write or flush still in flight and throws its error; the body is then fully handed over.</summary>
    public ValueTask DrainAsync()
    {
        var pending = _pending;
        _pending = default;
        return pending;
    }

    /// <summary>
    /// The copy failed: the write still in flight is left to finish or fail on its own (it returns its buffer either
    /// way). Waiting for it could wait forever on a backend that stopped reading, and the copy's error is the one to
    /// report; the transport resets the stream once it sees that error.
    /// </summary>
    public void Abandon() => _pending = default;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_pending.IsCompleted)
        {
            if (_pendingHoldsData || buffer.IsEmpty)
            {
                return WriteAfterPendingAsync(buffer, cancellationToken);
            }

            // Only a flush is in flight (the transport's first flush sends the request headers, queued behind every
            // other stream's on a busy connection): the bytes queue behind it instead of the copier waiting with its buffer.
            var queued = Copy(buffer);
            _pending = WriteAfterAsync(DrainAsync(), queued, buffer.Length, cancellationToken);
            _pendingHoldsData = true;
            return default;
        }

        DrainAsync().GetAwaiter().GetResult();
        WriteBehind(buffer, cancellationToken);
        return default;
    }

    private static byte[] Copy(ReadOnlyMemory<byte> buffer)
    {
        var copy = ArrayPool<byte>.Shared.Rent(buffer.Length);
        buffer.Span.CopyTo(copy);
        return copy;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_pending.IsCompleted)
        {
            _pending = FlushAfterAsync(DrainAsync(), cancellationToken);
            return Task.CompletedTask;
        }

        DrainAsync().GetAwaiter().GetResult();
        var flush = inner.FlushAsync(cancellationToken);
        if (flush.IsCompleted)
        {
            return flush;
        }

        _pending = AwaitFlushAsync(flush);
        _pendingHoldsData = false;
        return Task.CompletedTask;
    }

    public override void Flush() => throw new NotSupportedException("the request body is written asynchronously");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the request body is written asynchronously");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteAfterPendingAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        // A streaming upload faster than the backend: the caller waits (holding its buffer) like a plain write would.
        await DrainAsync();
        WriteBehind(buffer, cancellationToken);
    }

    private void WriteBehind(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        var copy = Copy(buffer);
        ValueTask write;
        try
        {
            write = inner.WriteAsync(copy.AsMemory(0, buffer.Length), cancellationToken);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(copy);
            throw;
        }

        if (write.IsCompletedSuccessfully)
        {
            write.GetAwaiter().GetResult();
            ArrayPool<byte>.Shared.Return(copy);
            return;
        }

        _pending = ReturnAfterAsync(write, copy);
        _pendingHoldsData = true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteAfterAsync(ValueTask previous, byte[] copy, int length, CancellationToken cancellationToken)
    {
        try
        {
            await previous;
            await inner.WriteAsync(copy.AsMemory(0, length), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask ReturnAfterAsync(ValueTask write, byte[] copy)
    {
        try
        {
            await write;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    // Pooled, so an abandoned flush raises no unobserved-task event.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AwaitFlushAsync(Task flush) => await flush;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushAfterAsync(ValueTask previous, CancellationToken cancellationToken)
    {
        await previous;
        await inner.FlushAsync(cancellationToken);
    }
}
