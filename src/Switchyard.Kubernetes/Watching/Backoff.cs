namespace Switchyard.Kubernetes.Watching;

/// <summary>Exponential backoff with ±50% jitter, so replicas that lost the API server together do not retry together.</summary>
internal sealed class Backoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private TimeSpan _next;

    public Backoff(TimeSpan initial, TimeSpan max)
    {
        _initial = initial;
        _max = max;
        _next = initial;
    }

    public TimeSpan Next()
    {
        var jittered = _next * (0.5 + Random.Shared.NextDouble());
        _next = TimeSpan.FromTicks(Math.Min(_max.Ticks, _next.Ticks * 2));
        return jittered;
    }

    public void Reset() => _next = _initial;
}
