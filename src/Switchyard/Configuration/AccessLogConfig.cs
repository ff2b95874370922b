namespace Switchyard.Configuration;

// Static config `accessLog` in Traefik's shape (traefik pkg/observability/types/logs.go: AccessLog,
// AccessLogFilters, AccessLogFields, FieldHeaders, FieldQueryParameters). Read by AccessLogConfigReader.

/// <summary>accessLog: present (even empty) turns access logs on.</summary>
public sealed class AccessLogConfig
{
    /// <summary>File to append to (relative to the static config's folder); empty = standard output.</summary>
    public string FilePath { get; set; } = "";

    /// <summary>common (default), genericCLF or json.</summary>
    public string Format { get; set; } = "common";

    /// <summary>Lines queued for the background writer (0 = 1024); a full queue drops lines, counted.</summary>
    public long BufferingSize { get; set; }

    public AccessLogFiltersConfig? Filters { get; set; }

    public AccessLogFieldsConfig? Fields { get; set; }

    /// <summary>Log the calls of internal services' routers (api@internal) too (Traefik's default: no).</summary>
    public bool AddInternals { get; set; }
}

public sealed class AccessLogFiltersConfig
{
    /// <summary>Status codes or ranges, e.g. "200", "300-302".</summary>
    public List<string> StatusCodes { get; set; } = [];

    public bool RetryAttempts { get; set; }

    public string MinDuration { get; set; } = "0s";
}

public sealed class AccessLogFieldsConfig
{
    /// <summary>keep (default) or drop.</summary>
    public string DefaultMode { get; set; } = "keep";

    /// <summary>Field name → keep | drop.</summary>
    public Dictionary<string, string> Names { get; set; } = [];

    public AccessLogHeadersConfig? Headers { get; set; }

    public AccessLogQueryParametersConfig? QueryParameters { get; set; }
}

public sealed class AccessLogHeadersConfig
{
    /// <summary>keep, drop (default) or redact.</summary>
    public string DefaultMode { get; set; } = "drop";

    /// <summary>Header name → keep | drop | redact.</summary>
    public Dictionary<string, string> Names { get; set; } = [];
}

public sealed class AccessLogQueryParametersConfig
{
    /// <summary>keep (default) or drop.</summary>
    public string DefaultMode { get; set; } = "keep";
}
