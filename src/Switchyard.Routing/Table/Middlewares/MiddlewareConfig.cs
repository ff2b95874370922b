using System.Collections.Immutable;

namespace Switchyard.Routing.Table;

/// <summary>
/// A middleware as the data plane needs it: Traefik's defaults applied, durations parsed, referenced
/// secrets read. Chains do not appear here: the compiler flattens them into each router's list.
/// The JSON discriminator ("type") is Traefik's middleware type name, declared once per type in
/// <see cref="Compiler.Middlewares.MiddlewareCatalogue"/> (RoutingTableJson applies it).
/// </summary>
public abstract record MiddlewareConfig;

/// <summary>
/// A middleware type the data plane cannot run (plugin, or a type not implemented yet). Routers using it
/// are reported, never silently passed through.
/// </summary>
public sealed record UnsupportedMiddlewareConfig(string TypeName) : MiddlewareConfig;

/// <summary>How a client is identified (rateLimit, inFlightReq). Default: the socket's remote IP.</summary>
public sealed record SourceCriterionConfig(IpStrategyConfig? IpStrategy, string? RequestHeaderName, bool RequestHost)
{
    public static SourceCriterionConfig RemoteAddress { get; } = new(null, null, false);
}

/// <summary>Pick the client IP from X-Forwarded-For: <c>depth</c>-th from the right, or the first not excluded.</summary>
public sealed record IpStrategyConfig(int Depth, ImmutableArray<System.Net.IPNetwork> ExcludedIps, int? Ipv6Subnet);
