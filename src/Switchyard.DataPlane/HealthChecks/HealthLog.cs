using Microsoft.Extensions.Logging;

namespace Switchyard.DataPlane.HealthChecks;

/// <summary>Structured log messages of health checking (event ids 4100–4119).</summary>
internal static partial class HealthLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "Server {ServerUrl} of service {ServiceId} is unhealthy ({Source}): {Reason}")]
    public static partial void ServerUnhealthy(ILogger logger, string serviceId, string serverUrl, HealthCheckSource source, string reason);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Server {ServerUrl} of service {ServiceId} is healthy again ({Source}): {Reason}")]
    public static partial void ServerHealthy(ILogger logger, string serviceId, string serverUrl, HealthCheckSource source, string reason);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "Health check of {ServerUrl} failed: {Reason}")]
    public static partial void ProbeFailed(ILogger logger, string serverUrl, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "A health event subscriber threw")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Debug, Message = "Health check of {ServerUrl} started ({Mode} {Target}, every {Interval})")]
    public static partial void CheckStarted(ILogger logger, string serverUrl, string mode, Uri target, TimeSpan interval);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Debug, Message = "Health check of {ServerUrl} stopped")]
    public static partial void CheckStopped(ILogger logger, string serverUrl);
}
