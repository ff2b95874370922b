using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.Services;

/// <summary>
/// A detached copy of a request for a mirror: own features, the same method, path, query, headers and client
/// address, the captured body (or none), and a response that goes nowhere. It outlives the original request,
/// so it copies everything it needs instead of referencing the original context.
/// </summary>
internal static class MirrorRequest
{
    public static DefaultHttpContext Create(HttpContext source, ReadOnlyMemory<byte> body, IServiceProvider services, CancellationToken aborted)
    {
        var request = source.Request;
        var headers = new HeaderDictionary();
        foreach (var (name, value) in request.Headers)
        {
            headers[name] = value;
        }

        if (body.IsEmpty)
        {
            headers.Remove(Microsoft.Net.Http.Headers.HeaderNames.TransferEncoding);
            headers.ContentLength = request.ContentLength is null ? null : 0;
        }

        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature
        {
            Protocol = request.Protocol,
            Scheme = request.Scheme,
            Method = request.Method,
            PathBase = request.PathBase.Value ?? "",
            Path = request.Path.Value ?? "",
            QueryString = request.QueryString.Value ?? "",
            RawTarget = source.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "",
            Headers = headers,
            Body = body.IsEmpty ? Stream.Null : new MemoryStream(body.ToArray(), writable: false),
        });
        features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(!body.IsEmpty));
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        features.Set<IHttpResponseTrailersFeature>(new ResponseTrailers());
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = aborted });
        var connection = source.Connection;
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            ConnectionId = connection.Id,
            RemoteIpAddress = connection.RemoteIpAddress ?? IPAddress.Loopback,
            RemotePort = connection.RemotePort,
            LocalIpAddress = connection.LocalIpAddress ?? IPAddress.Loopback,
            LocalPort = connection.LocalPort,
        });
        return new DefaultHttpContext(features) { RequestServices = services };
    }

    private sealed class BodyDetection(bool canHaveBody) : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => canHaveBody;
    }

    private sealed class ResponseTrailers : IHttpResponseTrailersFeature
    {
        public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();
    }
}
