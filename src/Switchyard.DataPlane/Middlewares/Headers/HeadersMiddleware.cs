using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Errors;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.Headers;

/// <summary>
/// Traefik's headers middleware. Request side: allowedHosts check, CORS preflight answered here (the
/// backend never sees it), customRequestHeaders (empty value removes; "Host" rewrites the request host).
/// Response side, just before the response starts: customResponseHeaders (empty removes), CORS response
/// headers, then security headers — the order in which Traefik's wrappers apply them.
/// </summary>
public sealed class HeadersMiddleware : IRouteMiddleware
{
    private readonly KeyValuePair<string, string>[] _requestHeaders;
    private readonly string? _host;
    private readonly KeyValuePair<string, string>[] _responseHeaders;
    private readonly CorsPolicy? _cors;
    private readonly SecurityHeaders? _security;
    private readonly Func<object, Task> _onStarting;

    public HeadersMiddleware(HeadersConfig config)
    {
        _requestHeaders = config.CustomRequestHeaders.Where(h => !h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase) || h.Value.Length == 0).ToArray();
        _host = config.CustomRequestHeaders.FirstOrDefault(h => h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase) && h.Value.Length > 0).Value;
        _responseHeaders = [.. config.CustomResponseHeaders];
        _cors = CorsPolicy.Create(config);
        _security = SecurityHeaders.Create(config);
        _onStarting = ModifyResponse; // one delegate per table, not per call
    }

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (_security is not null && !_security.IsHostAllowed(context.Request))
        {
            _security.Apply(context);
            return ProxyErrors.WriteAsync(context, ProxyErrorKind.BadRequest, "Bad Host");
        }

        if (_cors is not null && CorsPolicy.IsPreflight(context.Request))
        {
            _cors.ApplyPreflight(context);
            _security?.Apply(context);
            return Task.CompletedTask;
        }

        var headers = context.Request.Headers;
        foreach (var (name, value) in _requestHeaders)
        {
            if (value.Length == 0)
            {
                headers.Remove(name);
            }
            else
            {
                headers[name] = value;
            }
        }

        if (_host is not null)
        {
            context.Request.Host = new HostString(_host);
        }

        if (_responseHeaders.Length > 0 || _cors is not null || _security is not null)
        {
            context.Response.OnStarting(_onStarting, context);
        }

        return next(context);
    }

    private Task ModifyResponse(object state)
    {
        var context = (HttpContext)state;
        var headers = context.Response.Headers;
        foreach (var (name, value) in _responseHeaders)
        {
            if (value.Length == 0)
            {
                headers.Remove(name);
            }
            else
            {
                headers[name] = value;
            }
        }

        _cors?.ApplyResponse(context);
        _security?.Apply(context);
        return Task.CompletedTask;
    }
}

/// <summary>Builds headers middlewares (stateless: nothing to keep across swaps).</summary>
public sealed class HeadersFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(HeadersConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context) =>
        new HeadersMiddleware((HeadersConfig)config);
}
