using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Services;

namespace Switchyard.DataPlane.Api;

/// <summary>
/// api@internal as a router's service (Traefik's way to put the API and dashboard behind the route's
/// middlewares, e.g. basicAuth): the router's request is answered by the API; paths it does not have are 404.
/// </summary>
internal sealed class ApiServiceHandler(ApiHandler api) : IServiceHandler
{
    public bool IsAvailable => true;

    public Task HandleAsync(HttpContext context) => api.HandleAsync(context);
}
