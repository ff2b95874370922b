using Microsoft.Extensions.Logging;

namespace Switchyard.Kubernetes;

/// <summary>The Kubernetes source's log events (stable ids 6000-6099).</summary>
internal static partial class Log
{
    [LoggerMessage(6000, LogLevel.Information, "Listed {Kind}: {Count} objects at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string kind, int count, string? resourceVersion);

    [LoggerMessage(6001, LogLevel.Information, "Watch of {Kind} expired (410 Gone); relisting")]
    public static partial void Expired(ILogger logger, string kind);

    [LoggerMessage(6002, LogLevel.Warning, "Watch of {Kind} failed; retrying in {DelayMs} ms")]
    public static partial void WatchFailed(ILogger logger, Exception error, string kind, long delayMs);

    [LoggerMessage(6003, LogLevel.Information, "Skipping {Kind}: its CustomResourceDefinition is not installed (looking again in {RecheckSeconds} s)")]
    public static partial void KindAbsent(ILogger logger, string kind, double recheckSeconds);

    [LoggerMessage(6009, LogLevel.Warning, "Reading no {Kind}: the API answered {Status} (e.g. no RBAC rule for it; nodePortLB services find no Node); looking again in {RecheckSeconds} s")]
    public static partial void OptionalKindRefused(ILogger logger, string kind, int status, double recheckSeconds);

    [LoggerMessage(6004, LogLevel.Information, "All {Count} watches synced; publishing the first snapshot")]
    public static partial void Synced(ILogger logger, int count);

    [LoggerMessage(6005, LogLevel.Debug, "Snapshot {Version} published ({Objects} objects)")]
    public static partial void Published(ILogger logger, long version, int objects);

    [LoggerMessage(6006, LogLevel.Warning, "{Kind} {Namespace}/{Name} could not be read: {Reason}")]
    public static partial void Unreadable(ILogger logger, string kind, string? @namespace, string? name, string reason);
}
