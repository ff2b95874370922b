using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Services;

/// <summary>
/// TraefikService.failover: the main service serves while it is available (has a healthy server); otherwise
/// the fallback does. Decided per call, so traffic returns to main as soon as one of its servers is healthy.
/// </summary>
public sealed class FailoverHandler(IServiceHandler main, IServiceHandler fallback) : IServiceHandler
{
    public bool IsAvailable => main.IsAvailable || fallback.IsAvailable;

    public Task HandleAsync(HttpContext context) =>
        // Neither available: main answers (UNAVAILABLE naming the main service).
        (main.IsAvailable || !fallback.IsAvailable ? main : fallback).HandleAsync(context);
}
