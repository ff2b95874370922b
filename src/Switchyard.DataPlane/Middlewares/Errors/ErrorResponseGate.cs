using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.Middlewares.Errors;

/// <summary>
/// Stands in for the response body. On the first write, flush or start it looks at the status: one of the
/// middleware's statuses and the service's answer is swallowed (the error page replaces it); any other status
/// and everything goes straight through, unbuffered.
/// </summary>
internal sealed class ErrorResponseGate(HttpResponse response, IHttpResponseBodyFeature inner, StatusRanges statuses) : Stream, IHttpResponseBodyFeature
{
    private PipeWriter? _writer;
    private bool _decided;

    /// <summary>The answer had one of the statuses: it was swallowed.</summary>
    public bool Caught { get; private set; }

    /// <summary>Decide now (after the service returned without writing a body).</summary>
    public bool Decide()
    {
        if (!_decided)
        {
            _decided = true;
            Caught = statuses.Contains(response.StatusCode);
        }

        return Caught;
    }

    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) =>
        Decide() ? Task.CompletedTask : inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        Decide() ? Task.CompletedTask : inner.SendFileAsync(path, offset, count, cancellationToken);

    public Task CompleteAsync() => Decide() ? Task.CompletedTask : inner.CompleteAsync();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        Decide() ? ValueTask.CompletedTask : inner.Stream.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        Decide() ? Task.CompletedTask : inner.Stream.FlushAsync(cancellationToken);

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
