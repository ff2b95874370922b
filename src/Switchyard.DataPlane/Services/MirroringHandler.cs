using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Switchyard.DataPlane.Services;

/// <summary>
/// TraefikService.mirroring: the main service answers the client; each mirror receives a copy of exactly
/// <c>percent</c>% of the calls (a deterministic counter, not a coin flip), fire-and-forget, its answer
/// discarded. With <c>mirrorBody</c> the body is copied while the main call streams it (never buffered in
/// front of the main call) and mirrored after the main call when it fit in <c>maxBodySize</c> (negative =
/// unlimited); without, mirrors get the request without a body at once. A mirror can neither delay nor fail
/// the main call; at most <see cref="MaxMirrorsInFlight"/> copies per service run at once, more are dropped.
/// </summary>
public sealed class MirroringHandler : IServiceHandler
{
    public const int MaxMirrorsInFlight = 256;
    private static readonly TimeSpan MirrorTimeout = TimeSpan.FromSeconds(30);

    private readonly string _id;
    private readonly IServiceHandler _main;
    private readonly IServiceHandler[] _mirrors;
    private readonly int[] _percents;
    private readonly long[] _counters;
    private readonly bool _mirrorBody;
    private readonly long _maxBodySize;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private int _inFlight;

    public MirroringHandler(string id, IServiceHandler main, IServiceHandler[] mirrors, int[] percents, bool mirrorBody, long maxBodySize, IServiceProvider services, ILogger logger)
    {
        _id = id;
        _main = main;
        _mirrors = mirrors;
        _percents = new int[percents.Length];
        for (var i = 0; i < percents.Length; i++)
        {
            _percents[i] = Math.Clamp(percents[i], 0, 100);
        }

        _counters = new long[mirrors.Length];
        _mirrorBody = mirrorBody;
        _maxBodySize = maxBodySize;
        _services = services;
        _logger = logger;
    }

    public bool IsAvailable => _main.IsAvailable;

    public Task HandleAsync(HttpContext context)
    {
        // Which mirrors get this call: the n-th call is mirrored when floor(n·p/100) steps up, i.e. exactly
        // p of every 100 calls. Up to 64 mirrors tracked in a mask (no allocation).
        ulong selected = 0;
        for (var i = 0; i < _mirrors.Length && i < 64; i++)
        {
            var p = _percents[i];
            if (p == 0)
            {
                continue;
            }

            var n = Interlocked.Increment(ref _counters[i]);
            if (n * p / 100 != (n - 1) * p / 100)
            {
                selected |= 1UL << i;
            }
        }

        if (selected == 0)
        {
            return _main.HandleAsync(context);
        }

        // No body to copy (a GET, or HTTP/2 headers ending the stream): the main call never reads the body, so waiting
        // for it to be read to its end would never mirror the call (Traefik mirrors it, body empty).
        if (!_mirrorBody || context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false)
        {
            Launch(context, ReadOnlyMemory<byte>.Empty, selected);
            return _main.HandleAsync(context);
        }

        return HandleCapturingAsync(context, selected);
    }

    private async Task HandleCapturingAsync(HttpContext context, ulong selected)
    {
        var original = context.Request.Body;
        var capture = new BodyCaptureStream(original, _maxBodySize);
        context.Request.Body = capture;
        try
        {
            await _main.HandleAsync(context);
        }
        finally
        {
            context.Request.Body = original;
        }

        if (capture.Completed && !capture.Overflow)
        {
            Launch(context, capture.Captured, selected);
        }
        else
        {
            MirrorLog.BodyNotMirrored(_logger, _id, capture.Overflow ? "larger than maxBodySize" : "not read to its end");
        }
    }

    private void Launch(HttpContext context, ReadOnlyMemory<byte> body, ulong selected)
    {
        for (var i = 0; i < _mirrors.Length && i < 64; i++)
        {
            if ((selected & (1UL << i)) == 0)
            {
                continue;
            }

            if (Interlocked.Increment(ref _inFlight) > MaxMirrorsInFlight)
            {
                Interlocked.Decrement(ref _inFlight);
                MirrorLog.Dropped(_logger, _id);
                continue;
            }

            var timeout = new CancellationTokenSource(MirrorTimeout);
            var copy = MirrorRequest.Create(context, body, _services, timeout.Token);
            var mirror = _mirrors[i];
            _ = Task.Run(async () =>
            {
                try
                {
                    await mirror.HandleAsync(copy);
                }
                catch (Exception ex)
                {
                    MirrorLog.Failed(_logger, _id, ex);
                }
                finally
                {
                    timeout.Dispose();
                    Interlocked.Decrement(ref _inFlight);
                }
            });
        }
    }
}
