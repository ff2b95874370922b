using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.ContentType;

/// <summary>
/// Traefik's contentType: with autoDetect, a response whose backend set no Content-Type gets one sniffed from
/// its first bytes. Without autoDetect nothing is added — which is already how this gateway behaves (it never
/// sniffs on its own), so the middleware is a pass-through then.
/// </summary>
public sealed class ContentTypeMiddleware : IRouteMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var features = context.Features;
        var inner = features.Get<IHttpResponseBodyFeature>()!;
        features.Set<IHttpResponseBodyFeature>(new SniffingBody(context.Response, inner));
        try
        {
            await next(context);
        }
        finally
        {
            features.Set(inner);
        }
    }

    /// <summary>Sets Content-Type from the first write when the backend set none.</summary>
    private sealed class SniffingBody(HttpResponse response, IHttpResponseBodyFeature inner) : Stream, IHttpResponseBodyFeature
    {
        private PipeWriter? _writer;
        private bool _done;

        Stream IHttpResponseBodyFeature.Stream => this;

        public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

        public void DisableBuffering() => inner.DisableBuffering();

        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
            inner.SendFileAsync(path, offset, count, cancellationToken);

        public Task CompleteAsync() => inner.CompleteAsync();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_done)
            {
                _done = true;
                if (!response.HasStarted && string.IsNullOrEmpty(response.ContentType) && buffer.Length > 0)
                {
                    response.ContentType = ContentTypeSniffer.Detect(buffer.Span);
                }
            }

            return inner.Stream.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.Stream.FlushAsync(cancellationToken);

        public override void Flush() => inner.Stream.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

public sealed class ContentTypeFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(ContentTypeConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context) =>
        ((ContentTypeConfig)config).AutoDetect ? new ContentTypeMiddleware() : Common.PassThroughMiddleware.Instance;
}
