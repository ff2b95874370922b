using System.Globalization;
using System.Net;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Middlewares;

/// <summary>The client-access family: ipAllowList (and its deprecated name ipWhiteList), rateLimit, inFlightReq.</summary>
internal static class AccessMappers
{
    public static IpAllowListConfig IpAllowList(MiddlewareMapping m, IPAllowList s) =>
        IpAllowList(m, s.SourceRange, s.IPStrategy, s.RejectStatusCode);

    public static IpAllowListConfig IpWhiteList(MiddlewareMapping m, IPWhiteList s) => IpAllowList(m, s.SourceRange, s.IPStrategy, null);

    private static IpAllowListConfig IpAllowList(MiddlewareMapping m, IReadOnlyList<string>? ranges, IPStrategy? strategy, int? rejectStatus)
    {
        var f = m.Field;
        if (ranges is not { Count: > 0 })
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "MissingValue", f + ".sourceRange", "sourceRange needs at least one IP or CIDR range");
        }

        for (var i = 0; i < (ranges?.Count ?? 0); i++)
        {
            CheckCidr(m, ranges![i], $"{f}.sourceRange[{i}]");
        }

        m.CheckStatus(rejectStatus, f + ".rejectStatusCode", "rejectStatusCode");
        return new IpAllowListConfig([.. ranges ?? []], IpStrategy(m, strategy, f + ".ipStrategy"), rejectStatus ?? 403);
    }

    public static RateLimitConfig RateLimit(MiddlewareMapping m, RateLimit r)
    {
        var f = m.Field;
        foreach (var (value, field) in new[] { (r.Average, "average"), (r.Burst, "burst") })
        {
            if (value is < 0)
            {
                m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", $"{f}.{field}", $"{field} must not be negative (got {value})");
            }
        }

        m.WarnIgnored([("redis", r.Redis is not null)], "redis is not supported: limits are counted by each gateway instance");
        var period = m.Duration(r.Period, TimeSpan.FromSeconds(1), f + ".period", positive: true);
        return new RateLimitConfig(r.Average ?? 0, period, r.Burst ?? 1, SourceCriterion(m, r.SourceCriterion, f + ".sourceCriterion"));
    }

    public static InFlightReqConfig InFlightReq(MiddlewareMapping m, InFlightReq r)
    {
        if (r.Amount is not > 0)
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", m.Field + ".amount",
                $"amount must be at least 1 (got {r.Amount?.ToString(CultureInfo.InvariantCulture) ?? "nothing"})");
        }

        return new InFlightReqConfig(r.Amount ?? 0, SourceCriterion(m, r.SourceCriterion, m.Field + ".sourceCriterion"));
    }

    private static SourceCriterionConfig SourceCriterion(MiddlewareMapping m, SourceCriterion? spec, string field) =>
        spec is null
            ? SourceCriterionConfig.RemoteAddress
            : new SourceCriterionConfig(IpStrategy(m, spec.IPStrategy, field + ".ipStrategy"), MiddlewareMapping.NullIfEmpty(spec.RequestHeaderName), spec.RequestHost ?? false);

    private static IpStrategyConfig? IpStrategy(MiddlewareMapping m, IPStrategy? spec, string field)
    {
        if (spec is null)
        {
            return null;
        }

        var excluded = spec.ExcludedIPs ?? [];
        for (var i = 0; i < excluded.Count; i++)
        {
            CheckCidr(m, excluded[i], $"{field}.excludedIPs[{i}]");
        }

        if (spec.Depth is < 0)
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", field + ".depth", $"depth must not be negative (got {spec.Depth})");
        }

        if (spec.Ipv6Subnet is < 0 or > 128)
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", field + ".ipv6Subnet", $"ipv6Subnet must be between 0 and 128 (got {spec.Ipv6Subnet})");
        }

        return new IpStrategyConfig(spec.Depth ?? 0, [.. excluded], spec.Ipv6Subnet);
    }

    private static void CheckCidr(MiddlewareMapping m, string value, string field)
    {
        if (!IPNetwork.TryParse(value, out _) && !IPAddress.TryParse(value, out _))
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidCidr, "InvalidCIDR", field, $"'{value}' is not an IP address or CIDR range");
        }
    }
}
