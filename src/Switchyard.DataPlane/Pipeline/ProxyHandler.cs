using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Acme;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Swap;

namespace Switchyard.DataPlane.Pipeline;

/// <summary>
/// The request path of one entry point: take a reference on the current table, match, run the router's
/// pre-composed delegate, release. No route ⇒ 404 / UNIMPLEMENTED. The synchronous fast path (a delegate that
/// completed) costs no async state machine.
/// </summary>
public sealed class ProxyHandler(TableHolder holder, int entryPointIndex, AcmeChallengeStore? acmeHttp01 = null)
{
    public Task InvokeAsync(HttpContext context)
    {
        // ACME HTTP-01 answers come before any router, so even a catch-all route cannot shadow them.
        if (acmeHttp01 is not null && AcmeChallengeResponder.TryAnswerHttp01(context, acmeHttp01, out var challengeAnswer))
        {
            return challengeAnswer;
        }

        var table = holder.Acquire();
        Task task;
        try
        {
            RequestDelegate? handler;
            var facts = HttpRequestFacts.Rent(context);
            try
            {
                handler = table.Match(entryPointIndex, facts, context.Request.IsHttps);
            }
            finally
            {
                HttpRequestFacts.Return(facts);
            }

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
}
