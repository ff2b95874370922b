using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.Middlewares.Buffering;

/// <summary>
/// Stands in for the response body while the answer is buffered: writes, flushes and StartAsync stay here so
/// the status and headers can still be replaced when the body is over maxResponseBodyBytes. Past the limit
/// writes are discarded (failing them would make the forwarder abort the whole exchange).
/// </summary>
internal sealed class BufferedResponseBody(SpillBuffer buffer) : Stream, IHttpResponseBodyFeature
{
    private PipeWriter? _writer;

    /// <summary>The body went over the limit.</summary>
    public bool Overflowed { get; private set; }

    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        await using var file = File.OpenRead(path);
        file.Position = offset;
        var remaining = count ?? (file.Length - offset);
        var chunk = new byte[64 * 1024];
        while (remaining > 0)
        {
            var read = await file.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, remaining)), cancellationToken);
            if (read == 0)
            {
                break;
            }

            await WriteAsync(chunk.AsMemory(0, read), cancellationToken);
            remaining -= read;
        }
    }

    public Task CompleteAsync() => Task.CompletedTask;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (!Overflowed && !await buffer.TryWriteAsync(data, cancellationToken))
        {
            Overflowed = true;
        }
    }

    public override Task WriteAsync(byte[] data, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(data.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] data, int offset, int count) => WriteAsync(data, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] data, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
