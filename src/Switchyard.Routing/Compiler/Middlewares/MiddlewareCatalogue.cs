using System.Collections.Immutable;
using System.Text.Json.Serialization.Metadata;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Middlewares;

/// <summary>What the compiler does with a Middleware of one type.</summary>
public enum MiddlewareRole
{
    /// <summary>Mapped to its own <see cref="MiddlewareConfig"/> record in the table.</summary>
    Mapped,

    /// <summary>A chain: flattened into the routers that use it, never in the table itself.</summary>
    Chain,

    /// <summary>Known to Traefik, not run by Switchyard: the table carries an <see cref="UnsupportedMiddlewareConfig"/>.</summary>
    Unsupported,
}

/// <summary>
/// One Traefik middleware type, declared once: its name (the spec property and the table's JSON discriminator),
/// how to read it from a <see cref="MiddlewareSpec"/>, the table record it becomes and the mapper that builds that
/// record. The data plane's factory is found by the record type (MiddlewareRegistry).
/// </summary>
public sealed class MiddlewareKind
{
    private readonly Func<MiddlewareSpec, bool> _isSet;

    private MiddlewareKind(string name, MiddlewareRole role, Type? configType, Func<MiddlewareSpec, bool> isSet,
        Func<MiddlewareMapping, MiddlewareSpec, MiddlewareConfig>? map, string? deprecatedFor)
    {
        Name = name;
        Role = role;
        ConfigType = configType;
        _isSet = isSet;
        Map = map;
        DeprecatedFor = deprecatedFor;
    }

    /// <summary>Traefik's name of the type: the spec property, and the table's discriminator.</summary>
    public string Name { get; }

    public MiddlewareRole Role { get; }

    /// <summary>The table record this type becomes (null unless <see cref="MiddlewareRole.Mapped"/>).</summary>
    public Type? ConfigType { get; }

    /// <summary>Traefik's current name when this one is a deprecated spelling (ipWhiteList → ipAllowList).</summary>
    public string? DeprecatedFor { get; }

    internal Func<MiddlewareMapping, MiddlewareSpec, MiddlewareConfig>? Map { get; }

    /// <summary>Whether <paramref name="spec"/> sets this type.</summary>
    public bool IsSet(MiddlewareSpec spec) => _isSet(spec);

    internal static MiddlewareKind Mapped<TSpec, TConfig>(string name, Func<MiddlewareSpec, TSpec?> spec, Func<MiddlewareMapping, TSpec, TConfig> map,
        string? deprecatedFor = null)
        where TSpec : class
        where TConfig : MiddlewareConfig =>
        new(name, MiddlewareRole.Mapped, typeof(TConfig), s => spec(s) is not null, (m, s) => map(m, spec(s)!), deprecatedFor);

    internal static MiddlewareKind Other(string name, MiddlewareRole role, Func<MiddlewareSpec, bool> isSet) =>
        new(name, role, null, isSet, null, null);
}

/// <summary>
/// Every Traefik middleware type Switchyard knows, in the order of <see cref="MiddlewareSpec"/>'s properties. Adding
/// a middleware is one entry here (plus its spec property, its table record and its data-plane factory, which
/// MiddlewareListsAgreeTests checks against this list).
/// </summary>
public static class MiddlewareCatalogue
{
    /// <summary>The table's JSON discriminator of a middleware Switchyard does not run.</summary>
    public const string UnsupportedDiscriminator = "unsupported";

    public static ImmutableArray<MiddlewareKind> All { get; } =
    [
        MiddlewareKind.Mapped("addPrefix", s => s.AddPrefix, PathMappers.AddPrefix),
        MiddlewareKind.Mapped("stripPrefix", s => s.StripPrefix, PathMappers.StripPrefix),
        MiddlewareKind.Mapped("stripPrefixRegex", s => s.StripPrefixRegex, PathMappers.StripPrefixRegex),
        MiddlewareKind.Mapped("replacePath", s => s.ReplacePath, PathMappers.ReplacePath),
        MiddlewareKind.Mapped("replacePathRegex", s => s.ReplacePathRegex, PathMappers.ReplacePathRegex),
        MiddlewareKind.Other("chain", MiddlewareRole.Chain, s => s.Chain is not null),
        MiddlewareKind.Mapped("ipWhiteList", s => s.IPWhiteList, AccessMappers.IpWhiteList, deprecatedFor: "ipAllowList"),
        MiddlewareKind.Mapped("ipAllowList", s => s.IPAllowList, AccessMappers.IpAllowList),
        MiddlewareKind.Mapped("headers", s => s.Headers, HeaderMappers.Headers),
        MiddlewareKind.Mapped("encodedCharacters", s => s.EncodedCharacters, HeaderMappers.EncodedCharacters),
        MiddlewareKind.Mapped("errors", s => s.Errors, ResilienceMappers.Errors),
        MiddlewareKind.Mapped("rateLimit", s => s.RateLimit, AccessMappers.RateLimit),
        MiddlewareKind.Mapped("redirectRegex", s => s.RedirectRegex, PathMappers.RedirectRegex),
        MiddlewareKind.Mapped("redirectScheme", s => s.RedirectScheme, PathMappers.RedirectScheme),
        MiddlewareKind.Mapped("basicAuth", s => s.BasicAuth, AuthMappers.BasicAuth),
        MiddlewareKind.Mapped("digestAuth", s => s.DigestAuth, AuthMappers.DigestAuth),
        MiddlewareKind.Mapped("forwardAuth", s => s.ForwardAuth, AuthMappers.ForwardAuth),
        MiddlewareKind.Mapped("inFlightReq", s => s.InFlightReq, AccessMappers.InFlightReq),
        MiddlewareKind.Mapped("buffering", s => s.Buffering, BodyMappers.Buffering),
        MiddlewareKind.Mapped("circuitBreaker", s => s.CircuitBreaker, ResilienceMappers.CircuitBreaker),
        MiddlewareKind.Mapped("compress", s => s.Compress, BodyMappers.Compress),
        MiddlewareKind.Mapped("passTLSClientCert", s => s.PassTLSClientCert, HeaderMappers.PassTlsClientCert),
        MiddlewareKind.Mapped("retry", s => s.Retry, ResilienceMappers.Retry),
        MiddlewareKind.Mapped("contentType", s => s.ContentType, HeaderMappers.ContentType),
        MiddlewareKind.Mapped("grpcWeb", s => s.GrpcWeb, BodyMappers.GrpcWeb),
        MiddlewareKind.Other("tap", MiddlewareRole.Unsupported, s => s.Tap is not null),
        MiddlewareKind.Other("plugin", MiddlewareRole.Unsupported, s => s.Plugin is { Count: > 0 }),
    ];

    /// <summary>
    /// Middlewares no Middleware CRD field produces: the Gateway API provider's filters, with Traefik's dynamic names
    /// (pkg/config/dynamic/middlewares.go). Their records and factories exist like the mapped ones'.
    /// </summary>
    public static ImmutableArray<(string Name, Type ConfigType)> ProviderInternal { get; } =
    [
        ("requestHeaderModifier", typeof(RequestHeaderModifierConfig)),
        ("responseHeaderModifier", typeof(ResponseHeaderModifierConfig)),
        ("requestRedirect", typeof(RequestRedirectConfig)),
        ("urlRewrite", typeof(UrlRewriteConfig)),
        ("httpRouteTimeouts", typeof(RouteTimeoutsConfig)),
    ];

    /// <summary>The types <paramref name="spec"/> sets, in spec order (exactly one is valid).</summary>
    public static List<MiddlewareKind> KindsOf(MiddlewareSpec spec)
    {
        var kinds = new List<MiddlewareKind>(1);
        foreach (var kind in All)
        {
            if (kind.IsSet(spec))
            {
                kinds.Add(kind);
            }
        }

        return kinds;
    }

    /// <summary>The table's polymorphic JSON contract of <see cref="MiddlewareConfig"/>: "type" is Traefik's name.</summary>
    internal static JsonPolymorphismOptions Polymorphism()
    {
        var options = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "type" };
        foreach (var kind in All)
        {
            if (kind is { Role: MiddlewareRole.Mapped, DeprecatedFor: null })
            {
                options.DerivedTypes.Add(new JsonDerivedType(kind.ConfigType!, kind.Name));
            }
        }

        foreach (var (name, type) in ProviderInternal)
        {
            options.DerivedTypes.Add(new JsonDerivedType(type, name));
        }

        options.DerivedTypes.Add(new JsonDerivedType(typeof(UnsupportedMiddlewareConfig), UnsupportedDiscriminator));
        return options;
    }
}
