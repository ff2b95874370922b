namespace Switchyard.DataPlane.HealthChecks;

/// <summary>The outcome of one probe. <paramref name="Detail"/> says why, e.g. "HTTP 500" or "status NotServing".</summary>
public readonly record struct ProbeResult(bool Healthy, string Detail);

/// <summary>One kind of active check against one server (HTTP request or grpc.health.v1 Check).</summary>
public interface IHealthProbe : IDisposable
{
    /// <summary>Runs one check. Must not throw for backend failures (returns unhealthy with the reason);
    /// cancellation of <paramref name="cancellationToken"/> by the timeout counts as unhealthy too.</summary>
    Task<ProbeResult> CheckAsync(CancellationToken cancellationToken);

    /// <summary>The address probed (for logs).</summary>
    Uri Target { get; }
}
