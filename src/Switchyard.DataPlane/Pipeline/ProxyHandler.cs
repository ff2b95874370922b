using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Acme;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Metrics;
using Switchyard.DataPlane.Swap;

namespace Switchyard.DataPlane.Pipeline;

/// <summary>
/// The request path of one entry point: take a reference on the current table, match, run the router's
/// pre-composed delegate, release. Forwarded headers are set first (<see cref="ForwardedHeaders"/>). No route ⇒ 404 / UNIMPLEMENTED. The synchronous fast path (a delegate that
/// completed) costs no async state machine. With metrics on, a separate path measures the call once and counts
/// it on the entry point, router and service series resolved at table build; with metrics off it costs one
/// null check.
/// </summary>
public sealed class ProxyHandler(TableHolder holder, int entryPointIndex, AcmeChallengeStore? acmeHttp01 = null, GatewayMetrics? metrics = null,
    ForwardedHeaders? forwardedHeaders = null)
{
    private readonly ForwardedHeaders _forwardedHeaders = forwardedHeaders ?? ForwardedHeaders.Create(null);

    public Task InvokeAsync(HttpContext context)
    {
        // Like Traefik's entry point: forwarded headers are settled before routing, so rules and middlewares see them.
        _forwardedHeaders.Apply(context);

        // ACME HTTP-01 answers come before any router, so even a catch-all route cannot shadow them.
        if (acmeHttp01 is not null && AcmeChallengeResponder.TryAnswerHttp01(context, acmeHttp01, out var challengeAnswer))
        {
            return challengeAnswer;
        }

        if (metrics is not null)
        {
            return InvokeMeasured(context, metrics);
        }

        var table = holder.Acquire();
        Task task;
        try
        {
            var handler = Match(table, context)?.Handler;
            task = handler is null
                ? ProxyErrors.WriteAsync(context, ProxyErrorKind.NoRoute, "no route matches this request")
                : handler(context);
        }
        catch
        {
            TableHolder.Release(table);
            throw;
        }

        if (task.IsCompletedSuccessfully)
        {
            TableHolder.Release(table);
            return Task.CompletedTask;
        }

        return AwaitAndRelease(task, table);
    }

    private CompiledRoute? Match(CompiledTable table, HttpContext context)
    {
        var facts = HttpRequestFacts.Rent(context);
        try
        {
            return table.MatchRoute(entryPointIndex, facts, context.Request.IsHttps);
        }
        finally
        {
            HttpRequestFacts.Return(facts);
        }
    }

    private Task InvokeMeasured(HttpContext context, GatewayMetrics metrics)
    {
        var method = RequestLabels.Method(context.Request.Method);
        var protocol = RequestLabels.Protocol(context.Request);
        var start = metrics.Begin(entryPointIndex, method, protocol);
        var table = holder.Acquire();
        CompiledRoute? route = null;
        Task task;
        try
        {
            route = Match(table, context);
            task = route is null
                ? ProxyErrors.WriteAsync(context, ProxyErrorKind.NoRoute, "no route matches this request")
                : route.Handler(context);
        }
        catch
        {
            TableHolder.Release(table);
            metrics.End(entryPointIndex, route?.Metrics, context, method, protocol, start, failed: true);
            throw;
        }

        if (task.IsCompletedSuccessfully)
        {
            TableHolder.Release(table);
            metrics.End(entryPointIndex, route?.Metrics, context, method, protocol, start, failed: false);
            return Task.CompletedTask;
        }

        return AwaitMeasured(task, table, context, metrics, route?.Metrics, method, protocol, start);
    }

    private static async Task AwaitAndRelease(Task task, CompiledTable table)
    {
        try
        {
            await task;
        }
        finally
        {
            TableHolder.Release(table);
        }
    }

    private async Task AwaitMeasured(Task task, CompiledTable table, HttpContext context, GatewayMetrics metrics,
        RouteMetrics? route, int method, int protocol, long start)
    {
        var failed = true;
        try
        {
            await task;
            failed = false;
        }
        finally
        {
            TableHolder.Release(table);
            metrics.End(entryPointIndex, route, context, method, protocol, start, failed);
        }
    }
}
