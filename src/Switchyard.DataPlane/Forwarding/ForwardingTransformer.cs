using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// Request/response header handling of a forwarded call, on top of YARP's default copying (which already drops
/// hop-by-hop headers and copies trailers both ways): passHostHeader, X-Forwarded-*, X-Real-Ip, and
/// <c>te: trailers</c> for gRPC. Two shared instances exist (pass host or not); nothing here allocates per call
/// except the header values .NET needs as strings.
/// </summary>
internal sealed class ForwardingTransformer : HttpTransformer
{
    public static readonly ForwardingTransformer PassHost = new(passHostHeader: true);
    public static readonly ForwardingTransformer RewriteHost = new(passHostHeader: false);

    [ThreadStatic] private static IPAddress? t_lastAddress;
    [ThreadStatic] private static string? t_lastAddressText;
    [ThreadStatic] private static int t_lastPort;
    [ThreadStatic] private static string? t_lastPortText;

    private readonly bool _passHostHeader;

    private ForwardingTransformer(bool passHostHeader) => _passHostHeader = passHostHeader;

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var request = httpContext.Request;
        var headers = proxyRequest.Headers;

        // passHostHeader (default true): the backend sees the client's Host / :authority; else the server address.
        headers.Host = _passHostHeader && request.Host.HasValue ? request.Host.Value : null;

        // Like Traefik without trusted forwarders: incoming X-Forwarded-* are replaced, not trusted.
        var clientIp = AddressText(httpContext.Connection.RemoteIpAddress);
        // The base copy only brought over what the client sent; removing by name from HttpRequestHeaders costs a
        // parse each, so look in Kestrel's dictionary first (clients rarely send these).
        RemoveIfSent(request.Headers, headers, "X-Forwarded-For");
        RemoveIfSent(request.Headers, headers, "X-Forwarded-Proto");
        RemoveIfSent(request.Headers, headers, "X-Forwarded-Host");
        RemoveIfSent(request.Headers, headers, "X-Forwarded-Port");
        RemoveIfSent(request.Headers, headers, "X-Real-Ip");
        if (clientIp is not null)
        {
            headers.TryAddWithoutValidation("X-Forwarded-For", clientIp);
            headers.TryAddWithoutValidation("X-Real-Ip", clientIp);
        }

        headers.TryAddWithoutValidation("X-Forwarded-Proto", request.IsHttps ? "https" : "http");
        if (request.Host.HasValue)
        {
            headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
        }

        headers.TryAddWithoutValidation("X-Forwarded-Port", PortText(httpContext.Connection.LocalPort));

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

    private static void RemoveIfSent(IHeaderDictionary incoming, System.Net.Http.Headers.HttpRequestHeaders outgoing, string name)
    {
        if (incoming.ContainsKey(name))
        {
            outgoing.Remove(name);
        }
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

    // Kestrel hands out the same IPAddress instance for every request of a connection: remember the last text.
    private static string? AddressText(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (!ReferenceEquals(address, t_lastAddress))
        {
            t_lastAddressText = (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
            t_lastAddress = address;
        }

        return t_lastAddressText;
    }

    private static string PortText(int port)
    {
        if (port != t_lastPort || t_lastPortText is null)
        {
            t_lastPortText = port.ToString(CultureInfo.InvariantCulture);
            t_lastPort = port;
        }

        return t_lastPortText;
    }
}

/// <summary>Content-type test shared with YARP's notion of gRPC.</summary>
internal static class ProxyErrorsShim
{
    public static bool IsGrpcContentType(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
}
