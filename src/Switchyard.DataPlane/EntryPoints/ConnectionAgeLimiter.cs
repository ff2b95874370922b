using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Switchyard.DataPlane.EntryPoints;

/// <summary>
/// maxConnectionAge: after the age, ask Kestrel to close the connection gracefully (HTTP/2 GOAWAY; HTTP/1.1
/// "Connection: close" on the next response); after the grace, abort what is left. Clients reconnect and so
/// rebalance across gateway replicas (the fault of Traefik issue 9034).
/// </summary>
internal static class ConnectionAgeLimiter
{
    public static Func<ConnectionDelegate, ConnectionDelegate> Create(TimeSpan age, TimeSpan? grace) => next => async connection =>
    {
        using var timer = new Timer(static state =>
        {
            var (conn, grace) = ((ConnectionContext, TimeSpan?))state!;
            conn.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
            if (grace is { } g)
            {
                _ = Task.Delay(g, conn.ConnectionClosed).ContinueWith(
                    static (t, c) => { if (!t.IsCanceled) { ((ConnectionContext)c!).Abort(); } },
                    conn, TaskScheduler.Default);
            }
        }, (connection, grace), age, Timeout.InfiniteTimeSpan);
        await next(connection);
    };
}
