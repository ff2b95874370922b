using System.IO.Compression;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Switchyard.DataPlane.Middlewares.Compress;

/// <summary>
/// The response body while compress is active. The first <see cref="CompressPolicy.MinBytes"/> bytes are held
/// back until the decision can be made (unless Content-Length already tells, or the backend flushes — a flush
/// decides with what is there, so streams are not delayed). Then the body goes either through a
/// GZip/Brotli stream (headers adjusted: Content-Encoding, no Content-Length, Vary: Accept-Encoding) or as is.
/// </summary>
internal sealed class CompressingBody(HttpContext context, IHttpResponseBodyFeature inner, CompressPolicy policy, string encoding)
    : Stream, IHttpResponseBodyFeature
{
    private readonly MemoryStream _held = new();
    private PipeWriter? _writer;
    private Stream? _target; // null until decided
    private Stream? _compressor;

    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering() => inner.DisableBuffering();

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await DecideAsync(cancellationToken);
        await inner.StartAsync(cancellationToken);
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);

    public Task CompleteAsync() => FinishAsync(CancellationToken.None);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_target is null)
        {
            var length = context.Response.ContentLength;
            if (length is null && _held.Length + buffer.Length < policy.MinBytes)
            {
                _held.Write(buffer.Span);
                return;
            }

            await DecideAsync(cancellationToken, _held.Length + buffer.Length);
        }

        await _target!.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await DecideAsync(cancellationToken);
        if (_compressor is not null)
        {
            await _compressor.FlushAsync(cancellationToken);
        }

        await inner.Stream.FlushAsync(cancellationToken);
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>After the call: decide if nobody did, close the compressor (writes its trailer).</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync(cancellationToken);
        }

        await DecideAsync(cancellationToken);
        if (_compressor is not null)
        {
            await _compressor.DisposeAsync();
            _compressor = null;
        }
    }

    private async Task DecideAsync(CancellationToken cancellationToken, long? knownSize = null)
    {
        if (_target is not null)
        {
            return;
        }

        var response = context.Response;
        var size = response.ContentLength ?? knownSize ?? _held.Length;
        if (!response.HasStarted && size >= policy.MinBytes && policy.Qualifies(response))
        {
            response.Headers.ContentLength = null;
            response.Headers.ContentEncoding = encoding;
            response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
            _compressor = encoding == "br"
                ? new BrotliStream(inner.Stream, CompressionLevel.Fastest, leaveOpen: true)
                : new GZipStream(inner.Stream, CompressionLevel.Fastest, leaveOpen: true);
            _target = _compressor;
        }
        else
        {
            _target = inner.Stream;
        }

        if (_held.Length > 0)
        {
            await _target.WriteAsync(_held.GetBuffer().AsMemory(0, (int)_held.Length), cancellationToken);
            _held.SetLength(0);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
