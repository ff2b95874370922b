using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// Counts the request body bytes the forwarder reads (traefik_*_requests_bytes_total). Installed only when
/// metrics are on and the request can have a body; Traefik counts body bytes the same way (its capture reader).
/// </summary>
internal sealed class RequestBodyCounter(Stream inner) : Stream
{
    private long _count;

    public long Count => Volatile.Read(ref _count);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Add(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Add(inner.Read(buffer));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Add(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Add(await inner.ReadAsync(buffer, cancellationToken));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Add(int read)
    {
        Interlocked.Add(ref _count, read);
        return read;
    }

    /// <summary>
    /// The server's own reader of the body this counter wraps: the h2c upstream path reads it directly (no stream
    /// adapter per call) and counts what it sends with <see cref="Counted"/>.
    /// </summary>
    internal PipeReader? ServerReader { get; init; }

    /// <summary>Bytes read past this stream, through <see cref="ServerReader"/>.</summary>
    internal void Counted(long bytes) => Interlocked.Add(ref _count, bytes);
}

/// <summary>
/// Counts the response body bytes written to the client (traefik_*_responses_bytes_total), whether written
/// through the body stream (the forwarder) or the body pipe (the gateway's own answers). Everything else is
/// delegated to the server's feature, so flushes, trailers and StartAsync keep their meaning.
/// </summary>
internal sealed class ResponseBodyCounter(IHttpResponseBodyFeature inner) : Stream, IHttpResponseBodyFeature
{
    private long _count;
    private CountingPipeWriter? _writer;

    public long Count => Volatile.Read(ref _count);

    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _writer ??= new CountingPipeWriter(inner.Writer, this);

    /// <summary>The feature counted: writes pass straight through to it (nothing is held here between flushes).</summary>
    internal IHttpResponseBodyFeature Inner => inner;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        Add(count ?? Math.Max(0, new FileInfo(path).Length - offset));
        return inner.SendFileAsync(path, offset, count, cancellationToken);
    }

    public Task CompleteAsync() => inner.CompleteAsync();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Add(count);
        inner.Stream.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Add(buffer.Length);
        inner.Stream.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Add(count);
        return inner.Stream.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Add(buffer.Length);
        return inner.Stream.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Stream.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.Stream.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    internal void Add(long bytes) => Interlocked.Add(ref _count, bytes);

    /// <summary>The server's pipe writer, counting what is advanced.</summary>
    private sealed class CountingPipeWriter(PipeWriter writer, ResponseBodyCounter counter) : PipeWriter
    {
        public override bool CanGetUnflushedBytes => writer.CanGetUnflushedBytes;

        public override long UnflushedBytes => writer.UnflushedBytes;

        public override void Advance(int bytes)
        {
            counter.Add(bytes);
            writer.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => writer.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => writer.GetSpan(sizeHint);

        public override void CancelPendingFlush() => writer.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => writer.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => writer.CompleteAsync(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => writer.FlushAsync(cancellationToken);
    }
}
