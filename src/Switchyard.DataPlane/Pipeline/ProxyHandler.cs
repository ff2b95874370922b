using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.AccessLog;
using Switchyard.DataPlane.Acme;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Metrics;
using Switchyard.DataPlane.Swap;
using Switchyard.DataPlane.Tracing;

namespace Switchyard.DataPlane.Pipeline;

/// <summary>
/// The request path of one entry point: take a reference on the current table, match, run the router's
/// pre-composed delegate, release. Forwarded headers are set first (<see cref="ForwardedHeaders"/>). No route ⇒ 404 / UNIMPLEMENTED. The synchronous fast path (a delegate that
/// completed) costs no async state machine. With metrics or access logs on, a separate path observes the call
/// once: it counts it on the series resolved at table build and hands a pooled access log entry to the writer;
/// with all three off (tracing too) it costs null checks.
/// </summary>
public sealed class ProxyHandler(TableHolder holder, int entryPointIndex, AcmeChallengeStore? acmeHttp01 = null, GatewayMetrics? metrics = null,
    ForwardedHeaders? forwardedHeaders = null, AccessLogWriter? accessLog = null, string entryPointName = "", GatewayTracing? tracing = null)
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

        if (metrics is not null || accessLog is not null || tracing is not null)
        {
            return InvokeObserved(context);
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

    private Task InvokeObserved(HttpContext context)
    {
        var call = new ObservedCall(metrics, accessLog, entryPointIndex, tracing);
        call.Begin(context, entryPointName);
        var table = holder.Acquire();
        Task task;
        try
        {
            call.Matched(context, Match(table, context));
            if (call.Sampled(context, out var parent))
            {
                return InvokeSampled(context, table, call, parent);
            }

            task = call.Route is null
                ? ProxyErrors.WriteAsync(context, ProxyErrorKind.NoRoute, "no route matches this request")
                : call.Route.Handler(context);
        }
        catch
        {
            TableHolder.Release(table);
            call.End(context, failed: true);
            throw;
        }

        if (task.IsCompletedSuccessfully)
        {
            TableHolder.Release(table);
            call.End(context, failed: false);
            return Task.CompletedTask;
        }

        return AwaitObserved(task, table, context, call);
    }

    /// <summary>
    /// A sampled call, in an async method on purpose: StartActivity makes the span Activity.Current and the caller's
    /// Activity.Current is restored when this returns, so no span leaks to the next call on the connection. Only
    /// sampled calls come here (<see cref="ObservedCall.Sampled"/>).
    /// </summary>
    private async Task InvokeSampled(HttpContext context, CompiledTable table, ObservedCall call, System.Diagnostics.ActivityContext parent)
    {
        var failed = true;
        try
        {
            call.StartSpan(context, entryPointName, parent);
            await (call.Route is null
                ? ProxyErrors.WriteAsync(context, ProxyErrorKind.NoRoute, "no route matches this request")
                : call.Route.Handler(context));
            failed = false;
        }
        finally
        {
            TableHolder.Release(table);
            call.End(context, failed);
        }
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

    private static async Task AwaitObserved(Task task, CompiledTable table, HttpContext context, ObservedCall call)
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
            call.End(context, failed);
        }
    }
}
