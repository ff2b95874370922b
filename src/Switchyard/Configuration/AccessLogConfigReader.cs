using System.Globalization;
using Switchyard.DataPlane.AccessLog;
using Switchyard.Routing.Compiler;

namespace Switchyard.Configuration;

/// <summary>Checks static config <c>accessLog</c> and turns it into <see cref="AccessLogOptions"/>; errors name the key.</summary>
internal static class AccessLogConfigReader
{
    public static AccessLogOptions? Read(AccessLogConfig? config, string baseDirectory, string fileName)
    {
        if (config is null)
        {
            return null;
        }

        var where = $"{fileName}: accessLog";
        var format = config.Format switch
        {
            "common" or "" => AccessLogFormat.Common,
            "genericCLF" => AccessLogFormat.GenericClf,
            "json" => AccessLogFormat.Json,
            _ => throw new StaticConfigException($"{where}.format: '{config.Format}' is not one of common, genericCLF, json"),
        };
        if (config.BufferingSize is < 0 or > 1_000_000)
        {
            throw new StaticConfigException($"{where}.bufferingSize: {config.BufferingSize} is not between 0 and 1000000");
        }

        var filters = config.Filters ?? new AccessLogFiltersConfig();
        var fields = config.Fields ?? new AccessLogFieldsConfig();
        var headers = fields.Headers ?? new AccessLogHeadersConfig();
        return new AccessLogOptions
        {
            FilePath = string.IsNullOrEmpty(config.FilePath) ? null : Path.GetFullPath(Path.Combine(baseDirectory, config.FilePath)),
            Format = format,
            BufferingSize = (int)config.BufferingSize,
            StatusCodes = [.. filters.StatusCodes.Select((s, i) => StatusRange(s, $"{where}.filters.statusCodes[{i}]"))],
            RetryAttempts = filters.RetryAttempts,
            MinDuration = GoDuration.TryParse(filters.MinDuration, out var min) && min >= TimeSpan.Zero
                ? min
                : throw new StaticConfigException($"{where}.filters.minDuration: '{filters.MinDuration}' is not a duration like \"10ms\""),
            KeepFieldsByDefault = Keep(fields.DefaultMode, $"{where}.fields.defaultMode"),
            FieldModes = fields.Names.ToDictionary(n => n.Key, n => Keep(n.Value, $"{where}.fields.names.{n.Key}"), StringComparer.OrdinalIgnoreCase),
            HeadersDefault = Header(headers.DefaultMode, $"{where}.fields.headers.defaultMode"),
            HeaderModes = headers.Names.ToDictionary(n => n.Key, n => Header(n.Value, $"{where}.fields.headers.names.{n.Key}"), StringComparer.OrdinalIgnoreCase),
            KeepQueryParameters = Keep(fields.QueryParameters?.DefaultMode ?? "keep", $"{where}.fields.queryParameters.defaultMode"),
            AddInternals = config.AddInternals,
            ReopenOnSignal = true,
        };
    }

    /// <summary>"200" or "300-302" (Traefik's HTTPCodeRanges).</summary>
    private static (int From, int To) StatusRange(string text, string where)
    {
        var parts = text.Split('-', 2, StringSplitOptions.TrimEntries);
        if (int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            && (parts.Length == 1 ? from : int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : -1) is var to
            && from is >= 100 and <= 999 && to >= from && to <= 999)
        {
            return (from, to);
        }

        throw new StaticConfigException($"{where}: '{text}' is not a status code or range like \"200\" or \"500-599\"");
    }

    private static bool Keep(string mode, string where) => mode switch
    {
        "keep" => true,
        "drop" => false,
        _ => throw new StaticConfigException($"{where}: '{mode}' is not keep or drop"),
    };

    private static HeaderMode Header(string mode, string where) => mode switch
    {
        "keep" => HeaderMode.Keep,
        "drop" => HeaderMode.Drop,
        "redact" => HeaderMode.Redact,
        _ => throw new StaticConfigException($"{where}: '{mode}' is not keep, drop or redact"),
    };
}
