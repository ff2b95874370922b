using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Middlewares.Common;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.IpAllowList;

/// <summary>
/// Traefik's ipAllowList: the client (per ipStrategy; default the socket peer) must fall in sourceRange.
/// Otherwise gRPC callers get PERMISSION_DENIED, HTTP callers rejectStatusCode (default 403). An unknown
/// client address is rejected, as in Traefik.
/// </summary>
public sealed class IpAllowListMiddleware(IpRangeSet ranges, IpStrategy strategy, int rejectStatusCode) : IRouteMiddleware
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var ip = strategy.GetClientIp(context);
        if (ip is not null && ranges.Contains(ip))
        {
            return next(context);
        }

        if (rejectStatusCode == StatusCodes.Status403Forbidden || ProxyErrors.IsGrpc(context.Request))
        {
            return ProxyErrors.WriteAsync(context, ProxyErrorKind.PermissionDenied, "forbidden by ipAllowList");
        }

        context.Response.StatusCode = rejectStatusCode;
        return context.Response.WriteAsync("Forbidden\n");
    }
}

public sealed class IpAllowListFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(IpAllowListConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (IpAllowListConfig)config;
        if (c.SourceRange.IsDefaultOrEmpty)
        {
            throw new ArgumentException("ipAllowList: sourceRange is empty");
        }

        var status = c.RejectStatusCode is >= 100 and <= 599 ? c.RejectStatusCode : StatusCodes.Status403Forbidden;
        return new IpAllowListMiddleware(new IpRangeSet(c.SourceRange), new IpStrategy(c.IpStrategy), status);
    }
}
