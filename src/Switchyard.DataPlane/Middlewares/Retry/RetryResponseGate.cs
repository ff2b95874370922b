using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.Middlewares.Retry;

/// <summary>
/// Stands in for the response body during retries. When an attempt failed before anything reached the client
/// and more attempts remain, the error answer that the forwarder writes is swallowed here instead of being
/// sent; any other write goes straight through (and from then on the call is committed: no more retries).
/// </summary>
internal sealed class RetryResponseGate(IHttpResponseBodyFeature inner, Func<bool> attemptFailed) : Stream, IHttpResponseBodyFeature
{
    private PipeWriter? _writer;

    /// <summary>More attempts remain after the current one.</summary>
    public bool CanRetry { get; set; }

    /// <summary>The current attempt's error answer was swallowed.</summary>
    public bool Swallowed { get; private set; }

    public void NextAttempt() => Swallowed = false;

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

    private bool Swallow()
    {
        if (Swallowed)
        {
            return true;
        }

        if (CanRetry && attemptFailed())
        {
            Swallowed = true;
        }

        return Swallowed;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
