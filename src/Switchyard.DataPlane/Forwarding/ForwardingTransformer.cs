using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Switchyard.DataPlane.Pipeline;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// Request/response header handling of a forwarded call, on top of YARP's default copying (which already drops
/// hop-by-hop headers and copies trailers both ways): passHostHeader, the peer appended to X-Forwarded-For, and
/// <c>te: trailers</c> for gRPC. Two shared instances exist (pass host or not); nothing here allocates per call
/// except the header values .NET needs as strings.
/// </summary>
internal sealed class ForwardingTransformer : HttpTransformer
{
    public static readonly ForwardingTransformer PassHost = new(passHostHeader: true);
    public static readonly ForwardingTransformer RewriteHost = new(passHostHeader: false);

    private readonly bool _passHostHeader;

    private ForwardingTransformer(bool passHostHeader) => _passHostHeader = passHostHeader;

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var request = httpContext.Request;

        // %2F and friends go out as the client sent them (YARP would send %252F).
        proxyRequest.RequestUri ??= RequestPathEncoding.DestinationUri(httpContext, destinationPrefix);
        var headers = proxyRequest.Headers;

        // passHostHeader (default true): the backend sees the client's Host / :authority; else the server address.
        headers.Host = _passHostHeader && request.Host.HasValue ? request.Host.Value : null;

        // X-Forwarded-* / X-Real-Ip were set by the entry point (ForwardedHeaders) before routing and may have been
        // changed by middlewares: they go as they are. Only the peer is appended to X-Forwarded-For, as Traefik's
        // proxy does, unless the entry point says notAppendXForwardedFor.
        var peer = httpContext.Connection.RemoteIpAddress;
        if (peer is not null && httpContext.Features.Get<NotAppendXForwardedFor>() is null)
        {
            var clientIp = ForwardedHeaders.AddressText(peer);
            var prior = request.Headers[ForwardedHeaders.XForwardedFor];
            if (prior.Count > 0)
            {
                headers.Remove(ForwardedHeaders.XForwardedFor);
                clientIp = string.Join(", ", prior.ToArray()) + ", " + clientIp;
            }

            headers.TryAddWithoutValidation(ForwardedHeaders.XForwardedFor, clientIp);
        }

        // gRPC servers require "te: trailers" (Traefik's grpcWeb forgets it); keep it whenever the client sent it.
        if (ProxyErrorsShim.IsGrpcContentType(request.ContentType) || HasTeTrailers(request))
        {
            headers.Remove(HeaderNames.TE);
            headers.TryAddWithoutValidation(HeaderNames.TE, "trailers");
        }
    }

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        httpContext.Features.Get<ForwardDeadline>()?.OnResponseHeaders();
        return base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    private static bool HasTeTrailers(HttpRequest request)
    {
        foreach (var value in request.Headers.TE)
        {
            if (value is not null && value.Contains("trailers", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Content-type test shared with YARP's notion of gRPC.</summary>
internal static class ProxyErrorsShim
{
    public static bool IsGrpcContentType(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
}
