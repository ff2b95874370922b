using System.Collections.Immutable;
using k8s.Models;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Middlewares;

/// <summary>
/// What the per-family mappers share while one Middleware is mapped: where to report (the Middleware itself), whether
/// the result is still usable, and the checks every family needs (required values, regexes, durations). A mapper
/// reports through <see cref="Invalid"/>; the config is discarded when anything was invalid.
/// </summary>
internal sealed class MiddlewareMapping(CompileContext context, ServiceResolver services, ServersTransportProcessor transports)
{
    // Stands in for a pattern that did not compile; the config holding it is discarded (Ok is false).
    private static readonly RegexPattern Unusable = RegexPattern.Parse("");

    public CompileContext Context => context;

    public ServiceResolver Services => services;

    public ServersTransportProcessor Transports => transports;

    /// <summary>The Middleware being mapped (diagnostics are reported on it).</summary>
    public ResourceRef Owner { get; private set; } = null!;

    /// <summary>"spec.&lt;type&gt;": the prefix of every field named in a diagnostic.</summary>
    public string Field { get; private set; } = "";

    /// <summary>False once something was invalid: the config is then not used.</summary>
    public bool Ok { get; set; }

    public void Start(ResourceRef owner, string type)
    {
        Owner = owner;
        Field = "spec." + type;
        Ok = true;
    }

    public void Invalid(string code, string reason, string field, string message)
    {
        context.Error(code, reason, Owner, field, message);
        Ok = false;
    }

    public void Warning(string code, string reason, string field, string message) => context.Warning(code, reason, Owner, field, message);

    /// <summary>Warns once per field that is set but not supported (it is ignored).</summary>
    public void WarnIgnored(IEnumerable<(string Field, bool Set)> fields, string? why = null)
    {
        foreach (var (field, set) in fields)
        {
            if (set)
            {
                Warning(DiagnosticCodes.MiddlewareUnsupported, "FieldUnsupported", $"{Field}.{field}", why ?? $"{field} is not supported and is ignored");
            }
        }
    }

    public string Required(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "MissingValue", field, $"{field["spec.".Length..]} is required");
            return "";
        }

        return value;
    }

    public RegexPattern Regex(string? pattern, string field)
    {
        var value = Required(pattern, field);
        return value.Length > 0 ? CompileRegex(value, field) : Unusable;
    }

    public ImmutableArray<RegexPattern> Regexes(IReadOnlyList<string>? patterns, string field) =>
        [.. (patterns ?? []).Select((p, i) => CompileRegex(p, $"{field}[{i}]"))];

    /// <summary>Compiles a pattern from config (RE2 dialect, linear-time engine): a bad one is a diagnostic here.</summary>
    public RegexPattern CompileRegex(string pattern, string field)
    {
        if (RegexPattern.TryCreate(pattern, out var error) is { } compiled)
        {
            return compiled;
        }

        Invalid(DiagnosticCodes.MiddlewareInvalidRegex, "InvalidRegex", field, $"'{pattern}' is not a valid regular expression: {error}");
        return Unusable;
    }

    public TimeSpan Duration(IntOrString? value, TimeSpan fallback, string field, bool positive)
    {
        if (value?.Value is not { Length: > 0 } text)
        {
            return fallback;
        }

        if (GoDuration.TryParse(text, out var parsed) && (positive ? parsed > TimeSpan.Zero : parsed >= TimeSpan.Zero))
        {
            return parsed;
        }

        Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidDuration", field, $"'{text}' is not a {(positive ? "positive " : "")}duration (seconds, or e.g. 1s, 500ms)");
        return fallback;
    }

    /// <summary>An HTTP status (100-599) or a diagnostic; null stays null.</summary>
    public void CheckStatus(int? status, string field, string name)
    {
        if (status is < 100 or > 599)
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", field, $"{name} {status} is not an HTTP status (100-599)");
        }
    }

    public static ImmutableSortedDictionary<string, string> Sorted(IReadOnlyDictionary<string, string>? map) =>
        (map ?? ImmutableDictionary<string, string>.Empty).ToImmutableSortedDictionary(StringComparer.Ordinal);

    public static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
