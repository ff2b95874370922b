using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Switchyard.TestKit.FakeKube;

/// <summary>
/// <c>?watch=true</c>: an NDJSON stream of <c>{"type","object"}</c> lines. Replays history newer than
/// resourceVersion (410 Expired as an ERROR line when it is too old), honours timeoutSeconds and
/// allowWatchBookmarks, and ends (or resets the connection) when a fault hook drops it.
/// </summary>
internal sealed class WatchHandler(ObjectStore store, Func<TimeSpan> bookmarkInterval, CancellationToken stopping)
{
    public async Task HandleAsync(HttpContext ctx, RequestPath path, ResourceType type)
    {
        var q = ctx.Request.Query;
        var ns = type.Namespaced ? path.Namespace : null;
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        WatchSubscription sub;
        try
        {
            sub = store.Watch(type, ns, LabelSelector.Parse(q["labelSelector"]), FieldSelector.Parse(q["fieldSelector"]), q["resourceVersion"]);
        }
        catch (ApiError e) when (e.Code == 410)
        {
            await WriteLineAsync(ctx, "ERROR", e.ToStatus(), ctx.RequestAborted);
            return;
        }

        try
        {
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            var timeout = int.TryParse(q["timeoutSeconds"], out var t) && t > 0 ? TimeSpan.FromSeconds(t) : TimeSpan.FromMinutes(30);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, sub.Dropped, stopping);
            cts.CancelAfter(timeout);
            var bookmarks = string.Equals(q["allowWatchBookmarks"], "true", StringComparison.OrdinalIgnoreCase)
                ? SendBookmarksAsync(sub, cts.Token)
                : Task.CompletedTask;
            try
            {
                await foreach (var ev in sub.Events.ReadAllAsync(cts.Token))
                {
                    await WriteLineAsync(ctx, ev.Type, ev.Object, cts.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // timeoutSeconds elapsed, the client left, or a fault hook dropped the watch.
            }

            await bookmarks;
        }
        finally
        {
            store.Unsubscribe(sub);
        }

        if (sub.Dropped.IsCancellationRequested && sub.AbortOnDrop)
        {
            ctx.Abort();
        }
    }

    private async Task SendBookmarksAsync(WatchSubscription sub, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(bookmarkInterval());
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                store.Bookmark(sub);
            }
        }
        catch (OperationCanceledException)
        {
            // the watch ended
        }
    }

    private static async Task WriteLineAsync(HttpContext ctx, string type, JsonObject obj, CancellationToken ct)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj }.ToJsonString() + "\n";
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), ct);
        await ctx.Response.Body.FlushAsync(ct);
    }
}
