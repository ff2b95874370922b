namespace Switchyard.DataPlane.AccessLog;

/// <summary>Traefik's access log formats (static config <c>accessLog.format</c>).</summary>
public enum AccessLogFormat
{
    /// <summary>Traefik's "common": CLF plus request count, router, service URL and duration.</summary>
    Common,

    /// <summary>"genericCLF": plain combined log format, readable by any CLF tool.</summary>
    GenericClf,

    /// <summary>One JSON object per line with Traefik's field names (sorted, as logrus writes them).</summary>
    Json,
}

/// <summary>Optional parts of a call's capture (<see cref="AccessLogOptions.Captured"/>).</summary>
[Flags]
internal enum CapturedFields
{
    Headers = 1,
    RefererAndUserAgent = 2,
    GrpcMessage = 4,
}

/// <summary>What happens to a header in the access log (<c>fields.headers</c>): keep, drop or redact.</summary>
public enum HeaderMode
{
    Keep,
    Drop,
    Redact,
}

/// <summary>
/// Static config <c>accessLog</c>, checked (Traefik's keys, see traefik pkg/observability/types/logs.go).
/// Access logs exist only when this is given; each line is written by a background writer.
/// </summary>
public sealed record AccessLogOptions
{
    /// <summary>File the lines are appended to; null = standard output.</summary>
    public string? FilePath { get; init; }

    public AccessLogFormat Format { get; init; } = AccessLogFormat.Common;

    /// <summary>Lines waiting to be written; a call finding the queue full drops its line (counted), never waits.</summary>
    public int BufferingSize { get; init; }

    /// <summary>filters.statusCodes: inclusive ranges; a line is kept when any filter matches (none = keep all).</summary>
    public IReadOnlyList<(int From, int To)> StatusCodes { get; init; } = [];

    /// <summary>filters.retryAttempts: keep lines of calls that were retried.</summary>
    public bool RetryAttempts { get; init; }

    /// <summary>filters.minDuration: keep lines of calls slower than this (zero = off).</summary>
    public TimeSpan MinDuration { get; init; }

    /// <summary>fields.defaultMode: keep (default) or drop every field not named in <see cref="FieldModes"/>.</summary>
    public bool KeepFieldsByDefault { get; init; } = true;

    /// <summary>fields.names: field name (case-insensitive) → keep.</summary>
    public IReadOnlyDictionary<string, bool> FieldModes { get; init; } = new Dictionary<string, bool>();

    /// <summary>fields.headers.defaultMode (Traefik's default: drop).</summary>
    public HeaderMode HeadersDefault { get; init; } = HeaderMode.Drop;

    /// <summary>fields.headers.names: header name (case-insensitive) → mode.</summary>
    public IReadOnlyDictionary<string, HeaderMode> HeaderModes { get; init; } = new Dictionary<string, HeaderMode>();

    /// <summary>fields.queryParameters.defaultMode: keep (default) or drop the query string of RequestPath.</summary>
    public bool KeepQueryParameters { get; init; } = true;

    /// <summary>addInternals: log the routers of internal services (api@internal) too (Traefik's default: no).</summary>
    public bool AddInternals { get; init; }

    /// <summary>Reopen the file on SIGUSR1 (logrotate's postrotate); set by `switchyard run`, not by in-process hosts.</summary>
    public bool ReopenOnSignal { get; init; }

    /// <summary>The queue length used: bufferingSize, or 1024 lines when it is 0 (Traefik then writes synchronously).</summary>
    internal int QueueLength => BufferingSize > 0 ? BufferingSize : 1024;

    internal bool Keep(string field) =>
        FieldModes.TryGetValue(field, out var keep) ? keep : KeepFieldsByDefault;

    internal HeaderMode ModeOf(string header) =>
        HeaderModes.TryGetValue(header, out var mode) ? mode : HeadersDefault;

    /// <summary>Whether any header can reach a line: when not, headers are not even copied.</summary>
    internal bool AnyHeaders => HeadersDefault != HeaderMode.Drop || HeaderModes.Values.Any(m => m != HeaderMode.Drop);

    /// <summary>
    /// What a call captures beyond what every format writes: only what this format and these fields print (the CLF
    /// formats print the Referer and User-Agent, which the json format has no field for; only json prints GrpcMessage).
    /// </summary>
    internal CapturedFields Captured =>
        (AnyHeaders ? CapturedFields.Headers : 0)
        | (Format == AccessLogFormat.Json ? 0 : CapturedFields.RefererAndUserAgent)
        | (Format == AccessLogFormat.Json && Keep("GrpcMessage") ? CapturedFields.GrpcMessage : 0);

    /// <summary>Traefik's keepAccessLog: no filter = keep; else keep when any filter matches.</summary>
    internal bool Passes(int status, int retries, TimeSpan duration)
    {
        if (StatusCodes.Count == 0 && !RetryAttempts && MinDuration <= TimeSpan.Zero)
        {
            return true;
        }

        foreach (var (from, to) in StatusCodes)
        {
            if (status >= from && status <= to)
            {
                return true;
            }
        }

        return (RetryAttempts && retries > 0) || (MinDuration > TimeSpan.Zero && duration > MinDuration);
    }
}
