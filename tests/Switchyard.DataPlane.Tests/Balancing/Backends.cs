using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Balancing;

/// <summary>A gate that holds Echo calls on one backend (in flight) until opened: makes a server "busy" without sleeping.</summary>
internal sealed class CallGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    public int Waiting => Volatile.Read(ref _waiting);

    public void Open() => _open.TrySetResult();

    public GrpcTestBackendOptions Options(GrpcTestBackendOptions? options = null) => (options ?? new GrpcTestBackendOptions()) with
    {
        Configure = app => app.Use(async (ctx, next) =>
        {
            if (ctx.Request.Path.StartsWithSegments("/switchyard.test.Echo", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _waiting);
                try
                {
                    await _open.Task.WaitAsync(ctx.RequestAborted);
                }
                finally
                {
                    Interlocked.Decrement(ref _waiting);
                }
            }

            await next(ctx);
        }),
    };
}

/// <summary>A plain HTTP health endpoint on a test backend whose status the test sets.</summary>
internal sealed class HealthEndpoint(string path)
{
    private int _status = StatusCodes.Status200OK;

    public int Status
    {
        get => Volatile.Read(ref _status);
        set => Volatile.Write(ref _status, value);
    }

    public int Hits;

    /// <summary>When set, checks get no answer until the prober gives up.</summary>
    public volatile bool Hang;

    /// <summary>Host and X-Probe header of the last check received.</summary>
    public volatile string? LastHost;
    public volatile string? LastProbeHeader;

    public GrpcTestBackendOptions Options() => new()
    {
        Configure = app => app.MapGet(path, async (HttpContext ctx) =>
        {
            if (Hang)
            {
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            Interlocked.Increment(ref Hits);
            LastHost = ctx.Request.Host.Value;
            LastProbeHeader = ctx.Request.Headers["X-Probe"].ToString();
            ctx.Response.StatusCode = Status;
        }),
    };
}
