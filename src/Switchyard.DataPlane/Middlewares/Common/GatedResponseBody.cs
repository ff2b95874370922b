using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.Middlewares.Common;

/// <summary>
/// Stands in for the response body of a middleware that may have to discard what the service answers (retry's
/// failed attempt, the errors middleware's caught status). Every start, write, flush or completion first asks
/// <see cref="Swallow"/>: true and it is dropped, false and it goes straight to the real body, unbuffered.
/// </summary>
internal abstract class GatedResponseBody(IHttpResponseBodyFeature inner) : Stream, IHttpResponseBodyFeature
{
    private PipeWriter? _writer;

    /// <summary>Whether the answer written now is to be dropped.</summary>
    protected abstract bool Swallow();

    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) =>
        Swallow() ? Task.CompletedTask : inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        Swallow() ? Task.CompletedTask : inner.SendFileAsync(path, offset, count, cancellationToken);

    public Task CompleteAsync() => Swallow() ? Task.CompletedTask : inner.CompleteAsync();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        Swallow() ? ValueTask.CompletedTask : inner.Stream.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        Swallow() ? Task.CompletedTask : inner.Stream.FlushAsync(cancellationToken);

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
