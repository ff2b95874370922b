using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.GatewayFilters;

/// <summary>
/// Gateway API HTTPHeaderFilter (RequestHeaderModifier / ResponseHeaderModifier): set replaces every value of a header,
/// add appends one value to those present, remove deletes; in the spec's order set, add, remove. The response form
/// edits the headers as the response starts (the backend's headers are then known).
/// </summary>
public sealed class HeaderModifierMiddleware : IRouteMiddleware
{
    private static readonly Func<object, Task> ApplyToResponse = state =>
    {
        var (context, self) = ((HttpContext, HeaderModifierMiddleware))state;
        self.Apply(context.Response.Headers);
        return Task.CompletedTask;
    };

    private readonly KeyValuePair<string, string>[] _set;
    private readonly KeyValuePair<string, string>[] _add;
    private readonly string[] _remove;
    private readonly bool _response;

    public HeaderModifierMiddleware(HeaderModifierConfig config, bool response)
    {
        _set = [.. config.Set];
        _add = [.. config.Add];
        _remove = [.. config.Remove];
        _response = response;
    }

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (_response)
        {
            context.Response.OnStarting(ApplyToResponse, (context, this));
        }
        else
        {
            Apply(context.Request.Headers);
        }

        return next(context);
    }

    private void Apply(IHeaderDictionary headers)
    {
        foreach (var (name, value) in _set)
        {
            headers[name] = value;
        }

        foreach (var (name, value) in _add)
        {
            headers[name] = headers.TryGetValue(name, out var present) && present.Count > 0 ? StringValues.Concat(present, value) : value;
        }

        foreach (var name in _remove)
        {
            headers.Remove(name);
        }
    }
}

public sealed class RequestHeaderModifierFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(RequestHeaderModifierConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context) =>
        new HeaderModifierMiddleware(((RequestHeaderModifierConfig)config).Headers, response: false);
}

public sealed class ResponseHeaderModifierFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(ResponseHeaderModifierConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context) =>
        new HeaderModifierMiddleware(((ResponseHeaderModifierConfig)config).Headers, response: true);
}
