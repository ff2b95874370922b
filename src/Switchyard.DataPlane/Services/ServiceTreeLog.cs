using Microsoft.Extensions.Logging;

namespace Switchyard.DataPlane.Services;

/// <summary>Structured log messages of the service tree build (event ids 4120–4129).</summary>
internal static partial class ServiceTreeLog
{
    [LoggerMessage(EventId = 4120, Level = LogLevel.Warning, Message = "Service {ServiceId} is referenced but not in the table; calls to it get UNAVAILABLE")]
    public static partial void MissingService(ILogger logger, string serviceId);

    [LoggerMessage(EventId = 4121, Level = LogLevel.Warning, Message = "Service {ServiceId} references itself through its children; calls to it get UNAVAILABLE")]
    public static partial void Cycle(ILogger logger, string serviceId);
}
