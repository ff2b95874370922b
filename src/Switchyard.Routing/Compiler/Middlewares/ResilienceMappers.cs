using System.Collections.Immutable;
using System.Globalization;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Middlewares;

/// <summary>The resilience family: circuitBreaker, retry, errors (what happens when the backend fails).</summary>
internal static class ResilienceMappers
{
    // Stands in for an expression that did not parse; the config holding it is discarded (Ok is false).
    private static readonly BreakerExpression UnusableExpression = BreakerExpression.Parse("NetworkErrorRatio() > 1");

    public static CircuitBreakerConfig CircuitBreaker(MiddlewareMapping m, CircuitBreaker c)
    {
        var f = m.Field;
        var text = m.Required(c.Expression, f + ".expression");
        var expression = BreakerExpression.TryParse(text, out var error);
        if (expression is null && text.Length > 0)
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidExpression", f + ".expression", error!);
        }

        m.CheckStatus(c.ResponseCode, f + ".responseCode", "responseCode");
        return new CircuitBreakerConfig(expression ?? UnusableExpression,
            m.Duration(c.CheckPeriod, TimeSpan.FromMilliseconds(100), f + ".checkPeriod", positive: true),
            m.Duration(c.FallbackDuration, TimeSpan.FromSeconds(10), f + ".fallbackDuration", positive: true),
            m.Duration(c.RecoveryDuration, TimeSpan.FromSeconds(10), f + ".recoveryDuration", positive: true),
            c.ResponseCode ?? 503);
    }

    public static RetryConfig Retry(MiddlewareMapping m, Retry r)
    {
        var f = m.Field;
        if (r.Attempts is not > 0)
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".attempts",
                $"attempts must be at least 1 (got {r.Attempts?.ToString(CultureInfo.InvariantCulture) ?? "nothing"})");
        }

        var status = StatusRanges(m, r.Status, f + ".status");
        if (r.DisableRetryOnNetworkError == true && status.IsEmpty)
        {
            // Traefik refuses it too (retry.New): such a retry could never retry anything.
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".disableRetryOnNetworkError",
                "disableRetryOnNetworkError without status never retries: list status codes or ranges, or retry on network errors");
        }

        if (r.MaxRequestBodyBytes is < -1)
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".maxRequestBodyBytes",
                $"maxRequestBodyBytes must be -1 (no limit) or more (got {r.MaxRequestBodyBytes})");
        }

        var timeout = m.Duration(r.Timeout, TimeSpan.Zero, f + ".timeout", positive: false);

        // Bounds (Traefik has none): every attempt may cost a backend call, and attempts without a pause are a
        // busy loop; the data plane enforces both whatever the table says (RetryConfig.MaxAttempts, MinInterval).
        var attempts = r.Attempts ?? 0;
        if (attempts > RetryConfig.MaxAttempts)
        {
            m.Warning(DiagnosticCodes.MiddlewareInvalidValue, "ValueBounded", f + ".attempts",
                $"attempts {attempts} is above the gateway's bound; {RetryConfig.MaxAttempts} attempts are made");
            attempts = RetryConfig.MaxAttempts;
        }

        var interval = m.Duration(r.InitialInterval, TimeSpan.FromMilliseconds(100), f + ".initialInterval", positive: false);
        if (interval < RetryConfig.MinInterval && attempts > 1)
        {
            m.Warning(DiagnosticCodes.MiddlewareInvalidValue, "ValueBounded", f + ".initialInterval",
                $"initialInterval {interval.TotalMilliseconds:0.###}ms would retry without a pause; the gateway waits at least {RetryConfig.MinInterval.TotalMilliseconds:0}ms");
            interval = RetryConfig.MinInterval;
        }

        return new RetryConfig(attempts, interval)
        {
            Status = status,
            Timeout = timeout,
            MaxRequestBodyBytes = r.MaxRequestBodyBytes ?? RetryConfig.DefaultMaxRequestBodyBytes,
            DisableRetryOnNetworkError = r.DisableRetryOnNetworkError ?? false,
            RetryNonIdempotentMethod = r.RetryNonIdempotentMethod ?? false,
        };
    }

    /// <summary>Status codes and inclusive ranges ("404", "500-599"); each bad entry is a diagnostic naming its index.</summary>
    private static ImmutableArray<string> StatusRanges(MiddlewareMapping m, IReadOnlyList<string>? status, string field)
    {
        status ??= [];
        for (var i = 0; i < status.Count; i++)
        {
            if (!IsStatusRange(status[i]))
            {
                m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", $"{field}[{i}]", $"'{status[i]}' is not a status code or range (e.g. 404 or 500-599)");
            }
        }

        return [.. status];
    }

    public static ErrorsConfig Errors(MiddlewareMapping m, ErrorPage e)
    {
        var f = m.Field;
        var status = e.Status ?? [];
        if (status.Count == 0)
        {
            // Traefik builds it (customerrors.New with no code range): it never replaces a response.
            m.Warning(DiagnosticCodes.MiddlewareInvalidValue, "MissingValue", f + ".status",
                "errors without status never replaces a response (accepted, as in Traefik); list codes or ranges, e.g. 500-599");
        }

        var ranges = StatusRanges(m, status, f + ".status");
        string? service = null;
        if (e.Service is null)
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "MissingValue", f + ".service", "errors.service is required");
        }
        else
        {
            service = m.Services.Resolve(e.Service, m.Owner, f + ".service");
            m.Ok &= service is not null;
        }

        var rewrites = (e.StatusRewrites ?? ImmutableDictionary<string, int>.Empty).ToImmutableSortedDictionary(StringComparer.Ordinal);
        return new ErrorsConfig(ranges, service ?? "", string.IsNullOrEmpty(e.Query) ? "/" : e.Query, rewrites)
        {
            ErrorRequestHeaders = [.. e.ErrorRequestHeaders ?? []],
        };
    }

    /// <summary>A status code or inclusive range as Traefik writes them ("404", "500-599").</summary>
    internal static bool IsStatusRange(string s)
    {
        var parts = s.Split('-');
        return parts.Length is 1 or 2
            && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 100 and <= 599)
            && (parts.Length == 1 || int.Parse(parts[0], CultureInfo.InvariantCulture) <= int.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
