using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.Errors;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.Compress;

/// <summary>
/// Traefik's compress: gzip or br response compression when the client accepts it, the content type
/// qualifies and the body reaches minResponseBodyBytes. gRPC calls pass untouched (never wrapped), HEAD too.
/// </summary>
public sealed class CompressMiddleware(CompressPolicy policy) : IRouteMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (ProxyErrors.IsGrpc(request) || HttpMethods.IsHead(request.Method) || policy.ChooseEncoding(request) is not { } encoding)
        {
            await next(context);
            return;
        }

        var features = context.Features;
        var inner = features.Get<IHttpResponseBodyFeature>()!;
        var body = new CompressingBody(context, inner, policy, encoding);
        features.Set<IHttpResponseBodyFeature>(body);
        try
        {
            await next(context);
            if (!context.RequestAborted.IsCancellationRequested)
            {
                await body.FinishAsync(context.RequestAborted);
            }
        }
        finally
        {
            features.Set(inner);
        }
    }
}

public sealed class CompressFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(CompressConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context) =>
        new CompressMiddleware(new CompressPolicy((CompressConfig)config));
}
