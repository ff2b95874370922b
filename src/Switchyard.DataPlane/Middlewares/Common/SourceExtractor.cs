using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.Common;

/// <summary>
/// Traefik's sourceCriterion: what identifies "one client" for rateLimit and inFlightReq. Precedence as in
/// Traefik: ipStrategy, then requestHeaderName (works for gRPC metadata keys: they are HTTP/2 headers),
/// then requestHost; none set ⇒ the socket's remote IP.
/// The key is an <see cref="System.Net.IPAddress"/> for IP criteria (Kestrel already allocated it, so the
/// default criterion costs nothing per call) or a string for header/host criteria. Traefik semantics: a
/// missing header is the source "" (all such callers share one bucket).
/// </summary>
public sealed class SourceExtractor
{
    private readonly IpStrategy? _ipStrategy;
    private readonly string? _headerName;

    public SourceExtractor(SourceCriterionConfig? criterion)
    {
        criterion ??= SourceCriterionConfig.RemoteAddress;
        if (criterion.IpStrategy is not null)
        {
            _ipStrategy = new IpStrategy(criterion.IpStrategy);
        }
        else if (!string.IsNullOrEmpty(criterion.RequestHeaderName))
        {
            _headerName = criterion.RequestHeaderName;
        }
        else if (!criterion.RequestHost)
        {
            _ipStrategy = new IpStrategy(null);
        }
    }

    /// <summary>A stable text form of the criterion, for swap-state keys.</summary>
    public static string Describe(SourceCriterionConfig? criterion)
    {
        criterion ??= SourceCriterionConfig.RemoteAddress;
        var ip = criterion.IpStrategy is { } s
            ? $"ip(depth={s.Depth},excluded={string.Join(',', s.ExcludedIps.IsDefault ? [] : s.ExcludedIps.ToArray())},v6={s.Ipv6Subnet})"
            : "";
        return $"{ip}|header={criterion.RequestHeaderName}|host={criterion.RequestHost}";
    }

    /// <summary>The source key of the request: an IPAddress or a string; never null.</summary>
    public object Extract(HttpContext context)
    {
        if (_ipStrategy is not null)
        {
            return (object?)_ipStrategy.GetClientIp(context) ?? string.Empty;
        }

        if (_headerName is not null)
        {
            return context.Request.Headers[_headerName].ToString();
        }

        return context.Request.Host.Value ?? string.Empty; // requestHost
    }
}
