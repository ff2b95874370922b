using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.GrpcWeb;

/// <summary>
/// Traefik's grpcWeb: translates gRPC-Web (binary and -text, over HTTP/1.1 or HTTP/2) to plain gRPC for
/// the backend and back. Fixes two Traefik faults: the upstream request carries <c>te: trailers</c>
/// (traefik#10110), and a trailers-only answer yields exactly one trailer frame (traefik#13842).
/// The answer carries the request's own content type (application/grpc-web+proto is answered as such).
/// CORS by allowOrigins ("*" allowed): preflights are answered here; responses expose to browser code what the
/// gRPC-Web spec names (grpc-status, grpc-message, grpc-status-details-bin) plus what the route's headers
/// middleware configures (accessControlExposeHeaders), never the response's other headers.
/// Other requests pass through untouched.
/// </summary>
public sealed class GrpcWebMiddleware : IRouteMiddleware
{
    private const string ExposedBySpec = "grpc-status,grpc-message,grpc-status-details-bin";
    private const string DefaultAllowHeaders = "content-type,x-grpc-web,x-user-agent,grpc-timeout,authorization";

    private readonly bool _anyOrigin;
    private readonly HashSet<string> _origins;
    private readonly Action<HttpContext> _onStart;
    private readonly bool _reportStatus;

    /// <param name="reportStatus">Hand the trailer frame's grpc-status to the metrics and access log (on only when they are).</param>
    public GrpcWebMiddleware(GrpcWebConfig config, bool reportStatus = false)
    {
        _reportStatus = reportStatus;
        var origins = config.AllowOrigins.IsDefault ? [] : config.AllowOrigins.ToArray();
        _anyOrigin = origins.Contains("*");
        _origins = new HashSet<string>(origins, StringComparer.OrdinalIgnoreCase);
        _onStart = AddCorsResponseHeaders;
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (HttpMethods.IsOptions(request.Method) && !string.IsNullOrEmpty(request.Headers.AccessControlRequestMethod)
            && !string.IsNullOrEmpty(request.Headers.Origin))
        {
            AnswerPreflight(context);
            return;
        }

        var contentType = request.ContentType;
        if (contentType is null || !contentType.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        var text = contentType.StartsWith("application/grpc-web-text", StringComparison.OrdinalIgnoreCase);
        var prefixLength = text ? "application/grpc-web-text".Length : "application/grpc-web".Length;

        // Upstream is plain gRPC: content type, te: trailers (Traefik forgets it), no gRPC-Web marker.
        request.ContentType = "application/grpc" + contentType[prefixLength..];
        request.Headers.TE = "trailers";
        request.Headers.Remove("x-grpc-web");
        var originalBody = request.Body;
        if (text)
        {
            request.Headers.ContentLength = null; // the decoded body is shorter
            request.Body = new Base64DecodingStream(originalBody);
        }

        var features = context.Features;
        var innerBody = features.Get<IHttpResponseBodyFeature>()!;
        var innerTrailers = features.Get<IHttpResponseTrailersFeature>();
        var response = new GrpcWebResponse(context, innerBody, text, contentType, _onStart);
        features.Set<IHttpResponseBodyFeature>(response);
        features.Set<IHttpResponseTrailersFeature>(response);
        try
        {
            await next(context);
            if (!context.RequestAborted.IsCancellationRequested)
            {
                await response.FinishAsync(context.RequestAborted);
                if (_reportStatus && response.GrpcStatus is { } status)
                {
                    Metrics.GrpcStatusReport.Set(context, status, response.Trailers.GrpcMessage is { Count: > 0 } m ? m[0] : null);
                }
            }
        }
        finally
        {
            features.Set(innerBody);
            features.Set(innerTrailers);
            request.Body = originalBody;
            if (!context.Response.HasStarted)
            {
                // Anything answering after us (an outer error writer) sees the caller's real protocol.
                request.ContentType = contentType;
            }
        }
    }

    private bool IsAllowed(string origin) => _anyOrigin || _origins.Contains(origin);

    private void AnswerPreflight(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        var headers = context.Response.Headers;
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        headers.Vary = "Origin";
        if (!IsAllowed(origin))
        {
            return; // no CORS headers: the browser refuses the call
        }

        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowCredentials = "true";
        headers.AccessControlAllowMethods = "POST, OPTIONS";
        var requested = context.Request.Headers.AccessControlRequestHeaders.ToString();
        headers.AccessControlAllowHeaders = requested.Length > 0 ? requested : DefaultAllowHeaders;
        headers.AccessControlMaxAge = "600";
    }

    private void AddCorsResponseHeaders(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || !IsAllowed(origin))
        {
            return;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowCredentials = "true";
        headers.Append("Vary", "Origin");

        // Browser code may read the status headers. A headers middleware on the route adds its
        // accessControlExposeHeaders to this list when the response starts (after this point).
        headers.AccessControlExposeHeaders = ExposedBySpec;
    }
}

/// <summary>Builds grpcWeb middlewares (stateless).</summary>
public sealed class GrpcWebFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(GrpcWebConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context) =>
        new GrpcWebMiddleware((GrpcWebConfig)config, reportStatus: context.Services.GetService(typeof(Metrics.GatewayMetrics)) is not null
            || context.Services.GetService(typeof(AccessLog.AccessLogWriter)) is not null);
}
