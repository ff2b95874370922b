using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

using Switchyard.DataPlane.Errors;

namespace Switchyard.DataPlane.Middlewares.GrpcWeb;

/// <summary>
/// Stands in for the response body and trailers while a gRPC-Web call is forwarded. The upstream's
/// length-prefixed messages pass through unchanged (for -text, each forwarded chunk is base64-encoded whole,
/// padding included, as Grpc.AspNetCore.Web pads each message: holding back the 0–2 bytes of a chunk that do
/// not fill a base64 group would deliver message N only with message N+1); the upstream's
/// trailers are collected here and written by <see cref="FinishAsync"/> as ONE trailer frame. A
/// trailers-only upstream answer (grpc-status in the headers, no body) becomes that single frame too.
/// </summary>
internal sealed class GrpcWebResponse : Stream, IHttpResponseBodyFeature, IHttpResponseTrailersFeature
{
    private static readonly string[] StatusHeaders = ["grpc-status", "grpc-message", "grpc-status-details-bin"];

    private readonly HttpContext _context;
    private readonly IHttpResponseBodyFeature _inner;
    private readonly bool _text;
    private readonly string _requestContentType;
    private readonly Action<HttpContext> _onStart;
    private bool _started;
    private bool _grpcResponse;
    private PipeWriter? _writer;
    private List<KeyValuePair<string, string>>? _movedStatus;

    public GrpcWebResponse(HttpContext context, IHttpResponseBodyFeature inner, bool text, string requestContentType, Action<HttpContext> onStart)
    {
        _requestContentType = requestContentType;
        _context = context;
        _inner = inner;
        _text = text;
        _onStart = onStart;
    }

    public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();

    /// <summary>The grpc-status written into the trailer frame (from the trailers, or moved from the headers).</summary>
    public string? GrpcStatus
    {
        get
        {
            if (Trailers.GrpcStatus.Count > 0)
            {
                return Trailers.GrpcStatus[0];
            }

            foreach (var (name, value) in _movedStatus ?? [])
            {
                if (name == "grpc-status")
                {
                    return value;
                }
            }

            return null;
        }
    }

    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering() => _inner.DisableBuffering();

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        await _inner.StartAsync(cancellationToken);
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);

    /// <summary>Completion is ours to do: the trailer frame still has to go out.</summary>
    public Task CompleteAsync() => _writer?.FlushAsync().AsTask() ?? Task.CompletedTask;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        if (!_text || !_grpcResponse)
        {
            await _inner.Stream.WriteAsync(buffer, cancellationToken);
            return;
        }

        await WriteBase64Async(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        await _inner.Stream.FlushAsync(cancellationToken);
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>After the upstream call: append the one trailer frame (gRPC responses only) and flush.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        if (_writer is not null)
        {
            await _writer.FlushAsync(cancellationToken);
        }

        if (!_grpcResponse)
        {
            return;
        }

        var frame = BuildTrailerFrame();
        if (_text)
        {
            await WriteBase64Async(frame, cancellationToken);
        }
        else
        {
            await _inner.Stream.WriteAsync(frame, cancellationToken);
        }

        await _inner.Stream.FlushAsync(cancellationToken);
    }

    private void EnsureStarted()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        var headers = _context.Response.Headers;
        var contentType = headers.ContentType.ToString();
        _grpcResponse = contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase)
            && !contentType.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase);
        if (!_grpcResponse)
        {
            _onStart(_context);
            return;
        }

        // The caller's own type (application/grpc-web[-text][+proto]): what it sent is what it reads.
        headers.ContentType = _requestContentType;
        headers.ContentLength = null;

        // Trailers-only upstream answer: the status travelled in the headers. Move it into the trailer frame
        // so the body carries exactly one frame (Traefik leaves it in the headers and adds an empty frame).
        if (headers.ContainsKey("grpc-status"))
        {
            _movedStatus = [];
            foreach (var name in StatusHeaders)
            {
                if (headers.TryGetValue(name, out var value))
                {
                    _movedStatus.Add(new(name, value.ToString()));
                    headers.Remove(name);
                }
            }
        }

        _onStart(_context);
    }

    private byte[] BuildTrailerFrame()
    {
        var text = new StringBuilder();
        if (_movedStatus is not null)
        {
            foreach (var (name, value) in _movedStatus)
            {
                text.Append(name).Append(':').Append(value).Append("\r\n");
            }
        }

        foreach (var (name, values) in Trailers)
        {
            foreach (var value in values)
            {
                text.Append(name.ToLowerInvariant()).Append(':').Append(value).Append("\r\n");
            }
        }

        return ProxyErrors.TrailerFrame(text.ToString());
    }

    /// <summary>One chunk, encoded completely (padded) and flushed: a decoder accepts padding at any group boundary.</summary>
    private async ValueTask WriteBase64Async(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.IsEmpty)
        {
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(data.Length));
        try
        {
            Base64.EncodeToUtf8(data.Span, rented, out _, out var written);
            await _inner.Stream.WriteAsync(rented.AsMemory(0, written), cancellationToken);
            await _inner.Stream.FlushAsync(cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
