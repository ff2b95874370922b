using Microsoft.Extensions.Logging;

namespace Switchyard.DataPlane.Services;

/// <summary>Structured log messages of mirroring (event ids 4130–4139).</summary>
internal static partial class MirrorLog
{
    [LoggerMessage(EventId = 4130, Level = LogLevel.Debug, Message = "Mirror copy of service {ServiceId} failed")]
    public static partial void Failed(ILogger logger, string serviceId, Exception exception);

    [LoggerMessage(EventId = 4131, Level = LogLevel.Debug, Message = "Mirror copy of service {ServiceId} dropped: too many copies in flight")]
    public static partial void Dropped(ILogger logger, string serviceId);

    [LoggerMessage(EventId = 4132, Level = LogLevel.Debug, Message = "Request to service {ServiceId} not mirrored: body {Why}")]
    public static partial void BodyNotMirrored(ILogger logger, string serviceId, string why);
}
