using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Middlewares;

/// <summary>
/// One compiled middleware of a table. Built once per table swap (never per request) and shared by every
/// router that lists it. Implementations must be thread-safe and should not allocate on the happy path.
/// </summary>
public interface IRouteMiddleware
{
    /// <summary>Handle the request, calling <paramref name="next"/> to continue toward the service, or answer it.</summary>
    Task InvokeAsync(HttpContext context, RequestDelegate next);
}
