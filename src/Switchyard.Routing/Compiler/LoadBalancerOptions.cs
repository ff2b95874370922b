using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;
using StickyCookieSpec = Switchyard.Model.Traefik.StickyCookie;
using StickyCookieConfig = Switchyard.Routing.Table.StickyCookie;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// The per-service settings of a service entry with Traefik's defaults applied: strategy, pass-host-header,
/// flush interval, sticky cookie, active and passive health checks. Problems name the sub-field they are about.
/// </summary>
internal static class LoadBalancerOptions
{
    public static readonly TimeSpan DefaultFlushInterval = TimeSpan.FromMilliseconds(100);

    public static BalancerStrategy? Strategy(string? strategy, List<Problem> problems)
    {
        switch (strategy?.ToLowerInvariant())
        {
            case null or "" or "wrr":
                return BalancerStrategy.Wrr;
            case "roundrobin":
                problems.Add(Problem.Warning(DiagnosticCodes.InvalidStrategy, "DeprecatedStrategy",
                    "strategy RoundRobin is deprecated; use wrr", ".strategy"));
                return BalancerStrategy.Wrr;
            case "p2c":
                return BalancerStrategy.P2c;
            case "hrw":
                return BalancerStrategy.Hrw;
            case "leasttime":
                return BalancerStrategy.LeastTime;
            default:
                problems.Add(Problem.Error(DiagnosticCodes.InvalidStrategy, "InvalidStrategy",
                    $"unknown load-balancing strategy '{strategy}' (expected wrr, p2c, hrw or leasttime)", ".strategy"));
                return null;
        }
    }

    public static TimeSpan FlushInterval(ResponseForwarding? forwarding, List<Problem> problems)
    {
        if (forwarding?.FlushInterval is not { Length: > 0 } text)
        {
            return DefaultFlushInterval;
        }

        if (GoDuration.TryParse(text, out var value))
        {
            return value;
        }

        problems.Add(Problem.Error(DiagnosticCodes.InvalidServiceValue, "InvalidDuration",
            $"responseForwarding.flushInterval '{text}' is not a duration (e.g. 100ms)", ".responseForwarding.flushInterval"));
        return DefaultFlushInterval;
    }

    /// <summary>Traefik names a cookie without a name after a hash of the service: <c>_</c> + 6 hex digits.</summary>
    public static StickyCookieConfig? Sticky(Sticky? sticky, string serviceId)
    {
        if (sticky?.Cookie is not { } cookie)
        {
            return null;
        }

        return ToCookie(cookie, serviceId);
    }

    public static StickyCookieConfig ToCookie(StickyCookieSpec cookie, string serviceId)
    {
        var name = string.IsNullOrEmpty(cookie.Name)
            ? "_" + Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(serviceId)))[..6]
            : cookie.Name;
        return new StickyCookieConfig(name, cookie.Secure ?? false, cookie.HttpOnly ?? false, cookie.SameSite ?? "",
            cookie.MaxAge ?? 0, string.IsNullOrEmpty(cookie.Path) ? "/" : cookie.Path, cookie.Domain);
    }

    /// <summary>Active health check with Traefik's defaults: mode http, path /, GET, interval 30s, timeout 5s.</summary>
    public static HealthCheckConfig? HealthCheck(ServerHealthCheck? hc, List<Problem> problems)
    {
        if (hc is null)
        {
            return null;
        }

        var ok = true;
        var mode = string.IsNullOrEmpty(hc.Mode) ? "http" : hc.Mode.ToLowerInvariant();
        if (mode is not ("http" or "grpc"))
        {
            problems.Add(Problem.Error(DiagnosticCodes.InvalidHealthCheck, "InvalidHealthCheck",
                $"healthCheck.mode '{hc.Mode}' is not http or grpc", ".healthCheck.mode"));
            ok = false;
        }

        if (hc.Scheme is { Length: > 0 } scheme && scheme is not ("http" or "https" or "h2c"))
        {
            problems.Add(Problem.Error(DiagnosticCodes.InvalidHealthCheck, "InvalidHealthCheck",
                $"healthCheck.scheme '{scheme}' is not http, https or h2c", ".healthCheck.scheme"));
            ok = false;
        }

        ok &= Duration(hc.Interval, TimeSpan.FromSeconds(30), "healthCheck.interval", problems, out var interval);
        ok &= Duration(hc.UnhealthyInterval, interval, "healthCheck.unhealthyInterval", problems, out var unhealthy);
        ok &= Duration(hc.Timeout, TimeSpan.FromSeconds(5), "healthCheck.timeout", problems, out var timeout);
        if (hc.Port is < 0 or > 65535)
        {
            problems.Add(Problem.Error(DiagnosticCodes.InvalidHealthCheck, "InvalidHealthCheck",
                $"healthCheck.port {hc.Port} is not a port number", ".healthCheck.port"));
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        var headers = (hc.Headers ?? ImmutableDictionary<string, string>.Empty)
            .ToImmutableSortedDictionary(StringComparer.Ordinal);
        return new HealthCheckConfig(
            mode,
            string.IsNullOrEmpty(hc.Scheme) ? null : hc.Scheme,
            string.IsNullOrEmpty(hc.Path) ? "/" : hc.Path,
            string.IsNullOrEmpty(hc.Method) ? "GET" : hc.Method.ToUpperInvariant(),
            hc.Status ?? 0,
            hc.Port is null or 0 ? null : hc.Port,
            interval,
            unhealthy,
            timeout,
            string.IsNullOrEmpty(hc.Hostname) ? null : hc.Hostname,
            hc.FollowRedirects ?? true,
            headers,
            mode == "grpc" ? hc.GrpcServiceName ?? "" : null);
    }

    /// <summary>Passive health check with Traefik's defaults: failure window 10s, 1 failed attempt.</summary>
    public static PassiveHealthCheckConfig? PassiveHealthCheck(PassiveServerHealthCheck? phc, List<Problem> problems)
    {
        if (phc is null)
        {
            return null;
        }

        var ok = Duration(phc.FailureWindow, TimeSpan.FromSeconds(10), "passiveHealthCheck.failureWindow", problems, out var window);
        if (phc.MaxFailedAttempts is < 1)
        {
            problems.Add(Problem.Error(DiagnosticCodes.InvalidHealthCheck, "InvalidHealthCheck",
                $"passiveHealthCheck.maxFailedAttempts must be at least 1 (got {phc.MaxFailedAttempts})", ".passiveHealthCheck.maxFailedAttempts"));
            ok = false;
        }

        return ok ? new PassiveHealthCheckConfig(window, phc.MaxFailedAttempts ?? 1) : null;
    }

    /// <summary>An IntOrString duration: a number of seconds or a Go duration string; must be positive.</summary>
    public static bool Duration(IntOrString? value, TimeSpan fallback, string field, List<Problem> problems, out TimeSpan result)
    {
        result = fallback;
        if (value?.Value is not { Length: > 0 } text)
        {
            return true;
        }

        if (GoDuration.TryParse(text, out var parsed) && parsed > TimeSpan.Zero)
        {
            result = parsed;
            return true;
        }

        problems.Add(Problem.Error(DiagnosticCodes.InvalidHealthCheck, "InvalidDuration",
            $"{field} '{text}' is not a positive duration (seconds, or e.g. 10s)", "." + field));
        return false;
    }

    public static string FormatPort(IntOrString port) => port.Value ?? "";

    public static bool TryPortNumber(IntOrString? port, out int number) =>
        int.TryParse(port?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out number);
}
