namespace Switchyard.DataPlane.HealthChecks;

/// <summary>
/// The active-check verdict for one server. Servers start healthy: a new endpoint takes calls at once and a
/// table swap never blacks out a service while its first probe is in flight (Traefik does the same); the
/// first failed probe ejects it.
/// </summary>
public sealed class ServerHealthState
{
    private volatile bool _healthy = true;

    public bool IsHealthy => _healthy;

    /// <summary>The last probe's outcome (shown by the API and the dashboard); null before the first one.</summary>
    public ActiveCheckResult? LastCheck { get; set; }

    /// <summary>Sets the state; true when it changed (the caller reports the transition).</summary>
    public bool Set(bool healthy)
    {
        if (_healthy == healthy)
        {
            return false;
        }

        _healthy = healthy;
        return true;
    }
}

/// <summary>One active probe's outcome: when, the verdict, and the probe's detail (status code, error).</summary>
public sealed record ActiveCheckResult(DateTimeOffset At, bool Healthy, string Detail);
