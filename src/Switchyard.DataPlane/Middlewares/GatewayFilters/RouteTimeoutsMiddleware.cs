using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Forwarding;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.GatewayFilters;

/// <summary>
/// HTTPRoute <c>rules[].timeouts</c> (GEP-1742): stamps the call with its deadline (<c>request</c>, counted from here, the
/// start of the route's middlewares) and its per-attempt bound (<c>backendRequest</c>) for the forwarder, which enforces
/// both (504, gRPC DEADLINE_EXCEEDED; a response already started is cut). Only rules with a timeout get this middleware,
/// so every other call — GRPCRoutes and streams above all — runs without a deadline, as before.
/// </summary>
/// <remarks>
/// The request timeout bounds the whole call, also the middlewares before the forwarder (a forwardAuth whose server
/// never answers, a buffering middleware reading a slow body, retry's wait): for the call, RequestAborted is a token
/// cancelled at the deadline (or when the client goes), which every middleware already passes to what it waits on, so
/// the hung work is cancelled, not left behind; once it gave up, the answer is 504 / DEADLINE_EXCEEDED. The call's
/// HttpContext is only answered after the middlewares returned: nothing else writes to it meanwhile.
/// </remarks>
public sealed class RouteTimeoutsMiddleware : IRouteMiddleware
{
    internal const string ExpiredMessage = "the route's request timeout passed (HTTPRoute timeouts.request)";

    private readonly TimeSpan _request;
    private readonly TimeSpan _backendRequest;
    private readonly RouteTimeouts? _backendOnly; // immutable: shared by every call when only backendRequest is set

    public RouteTimeoutsMiddleware(RouteTimeoutsConfig config)
    {
        _request = TimeSpan.FromMilliseconds(Math.Ceiling(config.Request.TotalMilliseconds));
        _backendRequest = config.BackendRequest;
        _backendOnly = _request > TimeSpan.Zero ? null : new RouteTimeouts(0, _backendRequest);
    }

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (_backendOnly is not null)
        {
            context.Features.Set(_backendOnly);
            return next(context);
        }

        return InvokeBoundedAsync(context, next);
    }

    private async Task InvokeBoundedAsync(HttpContext context, RequestDelegate next)
    {
        var clientAborted = context.RequestAborted;
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        var timeouts = new RouteTimeouts(Environment.TickCount64 + (long)_request.TotalMilliseconds, _backendRequest, expiry.Token, clientAborted);
        expiry.CancelAfter(_request);
        context.Features.Set(timeouts);
        context.RequestAborted = expiry.Token;
        var gaveUp = false;
        try
        {
            await next(context);
        }
        catch (Exception) when (timeouts.RequestExpired)
        {
            // A middleware (or what it waited on) gave up at the deadline: answered below.
            gaveUp = true;
        }
        finally
        {
            context.RequestAborted = clientAborted;
        }

        if (!timeouts.RequestExpired)
        {
            return;
        }

        if (!context.Response.HasStarted && !AnsweredTimeout(context.Response))
        {
            // Also when a middleware returned without answering once its wait was cancelled.
            await ProxyErrors.WriteAsync(context, ProxyErrorKind.DeadlineExceeded, ExpiredMessage);
        }
        else if (gaveUp)
        {
            // Started, then cut at the deadline by a middleware: the caller must not take it for a whole answer.
            context.Abort();
        }
    }

    // The forwarder answered the deadline itself (a gRPC trailers-only answer is not started until the call ends).
    private static bool AnsweredTimeout(HttpResponse response) =>
        response.StatusCode == StatusCodes.Status504GatewayTimeout || response.Headers.ContainsKey("grpc-status");
}

public sealed class RouteTimeoutsFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(RouteTimeoutsConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context) =>
        new RouteTimeoutsMiddleware((RouteTimeoutsConfig)config);
}
