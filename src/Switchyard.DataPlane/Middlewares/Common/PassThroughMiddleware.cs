using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Middlewares.Common;

/// <summary>A middleware whose configuration means "do nothing" (e.g. rateLimit with average 0).</summary>
public sealed class PassThroughMiddleware : IRouteMiddleware
{
    public static PassThroughMiddleware Instance { get; } = new();

    public Task InvokeAsync(HttpContext context, RequestDelegate next) => next(context);
}
