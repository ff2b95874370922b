using System.Collections.Immutable;
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

        var sourceRange = Networks(m, ranges, f + ".sourceRange");
        m.CheckStatus(rejectStatus, f + ".rejectStatusCode", "rejectStatusCode");
        return new IpAllowListConfig(sourceRange, IpStrategy(m, strategy, f + ".ipStrategy"), rejectStatus ?? 403);
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

        var period = m.Duration(r.Period, TimeSpan.FromSeconds(1), f + ".period", positive: true);
        return new RateLimitConfig(r.Average ?? 0, period, r.Burst ?? 1, SourceCriterion(m, r.SourceCriterion, f + ".sourceCriterion"))
        {
            Redis = r.Redis is null ? null : RedisMapper.Redis(m, r.Redis, f + ".redis"),
        };
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

        var excluded = Networks(m, spec.ExcludedIPs, field + ".excludedIPs");

        if (spec.Depth is < 0)
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", field + ".depth", $"depth must not be negative (got {spec.Depth})");
        }

        if (spec.Ipv6Subnet is < 0 or > 128)
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", field + ".ipv6Subnet", $"ipv6Subnet must be between 0 and 128 (got {spec.Ipv6Subnet})");
        }

        return new IpStrategyConfig(spec.Depth ?? 0, excluded, spec.Ipv6Subnet);
    }

    /// <summary>The ranges parsed by the one IP-range parser; each bad entry is a diagnostic naming its index.</summary>
    private static ImmutableArray<IPNetwork> Networks(MiddlewareMapping m, IReadOnlyList<string>? entries, string field)
    {
        var networks = ImmutableArray.CreateBuilder<IPNetwork>(entries?.Count ?? 0);
        for (var i = 0; i < (entries?.Count ?? 0); i++)
        {
            if (IpRanges.TryParse(entries![i], out var network, out var error))
            {
                networks.Add(network);
            }
            else
            {
                m.Invalid(DiagnosticCodes.MiddlewareInvalidCidr, "InvalidCIDR", $"{field}[{i}]", error!);
            }
        }

        return networks.DrainToImmutable();
    }
}
