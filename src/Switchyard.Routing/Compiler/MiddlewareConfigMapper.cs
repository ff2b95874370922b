using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Model.Traefik.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// One Middleware's spec → its <see cref="MiddlewareConfig"/>, with Traefik's defaults applied and values
/// checked (regexes compile, CIDRs parse, durations parse, secrets exist). Reports on the Middleware itself;
/// returns null when the middleware cannot be used.
/// </summary>
internal sealed class MiddlewareConfigMapper(CompileContext context, ServiceResolver services, ServersTransportProcessor transports)
{
    private ResourceRef _owner = null!;
    private bool _ok;

    public MiddlewareConfig? Map(Middleware middleware, string type, ResourceRef owner)
    {
        _owner = owner;
        _ok = true;
        var s = middleware.Spec;
        var f = "spec." + type;
        MiddlewareConfig? config = type switch
        {
            "addPrefix" => AddPrefix(s.AddPrefix!, f),
            "stripPrefix" => new StripPrefixConfig([.. s.StripPrefix!.Prefixes ?? []], s.StripPrefix.ForceSlash ?? true),
            "stripPrefixRegex" => new StripPrefixRegexConfig(Regexes(s.StripPrefixRegex!.Regex, f + ".regex")),
            "replacePath" => new ReplacePathConfig(Required(s.ReplacePath!.Path, f + ".path")),
            "replacePathRegex" => new ReplacePathRegexConfig(Regex(s.ReplacePathRegex!.Regex, f + ".regex"), s.ReplacePathRegex.Replacement ?? ""),
            "ipAllowList" => IpAllowList(s.IPAllowList!.SourceRange, s.IPAllowList.IPStrategy, s.IPAllowList.RejectStatusCode, f),
            "ipWhiteList" => IpAllowList(s.IPWhiteList!.SourceRange, s.IPWhiteList.IPStrategy, null, f),
            "headers" => Headers(s.Headers!, f),
            "errors" => Errors(s.Errors!, f),
            "rateLimit" => RateLimit(s.RateLimit!, f),
            "redirectRegex" => new RedirectRegexConfig(Regex(s.RedirectRegex!.Regex, f + ".regex"), Required(s.RedirectRegex.Replacement, f + ".replacement"), s.RedirectRegex.Permanent ?? false),
            "redirectScheme" => new RedirectSchemeConfig(string.IsNullOrEmpty(s.RedirectScheme!.Scheme) ? "https" : s.RedirectScheme.Scheme, NullIfEmpty(s.RedirectScheme.Port), s.RedirectScheme.Permanent ?? false),
            "basicAuth" => BasicAuth(s.BasicAuth!, f),
            "digestAuth" => DigestAuth(s.DigestAuth!, f),
            "forwardAuth" => ForwardAuth(s.ForwardAuth!, f),
            "inFlightReq" => InFlightReq(s.InFlightReq!, f),
            "buffering" => Buffering(s.Buffering!, f),
            "circuitBreaker" => CircuitBreaker(s.CircuitBreaker!, f),
            "compress" => Compress(s.Compress!, f),
            "passTLSClientCert" => PassTlsClientCert(s.PassTLSClientCert!),
            "retry" => Retry(s.Retry!, f),
            "contentType" => new ContentTypeConfig(s.ContentType!.AutoDetect ?? false),
            "encodedCharacters" => EncodedCharacters(s.EncodedCharacters!),
            "grpcWeb" => new GrpcWebConfig([.. s.GrpcWeb!.AllowOrigins ?? []]),
            _ => throw new InvalidOperationException($"unmapped middleware type {type}"),
        };
        return _ok ? config : null;
    }

    private void Invalid(string code, string reason, string field, string message)
    {
        context.Error(code, reason, _owner, field, message);
        _ok = false;
    }

    private string Required(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "MissingValue", field, $"{field["spec.".Length..]} is required");
            return "";
        }

        return value;
    }

    private AddPrefixConfig AddPrefix(AddPrefix spec, string f)
    {
        var prefix = Required(spec.Prefix, f + ".prefix");
        return new AddPrefixConfig(prefix);
    }

    private RegexPattern Regex(string? pattern, string field)
    {
        var value = Required(pattern, field);
        return value.Length > 0 ? CompileRegex(value, field) : Unusable;
    }

    private ImmutableArray<RegexPattern> Regexes(IReadOnlyList<string>? patterns, string field) =>
        [.. (patterns ?? []).Select((p, i) => CompileRegex(p, $"{field}[{i}]"))];

    // Stands in for an expression that did not parse; the config holding it is discarded (_ok is false).
    private static readonly BreakerExpression UnusableExpression = BreakerExpression.Parse("NetworkErrorRatio() > 1");

    // Stands in for a pattern that did not compile; the config holding it is discarded (_ok is false).
    private static readonly RegexPattern Unusable = RegexPattern.Parse("");

    /// <summary>Compiles a pattern from config (RE2 dialect, linear-time engine): a bad one is a diagnostic here.</summary>
    private RegexPattern CompileRegex(string pattern, string field)
    {
        if (RegexPattern.TryCreate(pattern, out var error) is { } compiled)
        {
            return compiled;
        }

        Invalid(DiagnosticCodes.MiddlewareInvalidRegex, "InvalidRegex", field, $"'{pattern}' is not a valid regular expression: {error}");
        return Unusable;
    }

    private IpStrategyConfig? IpStrategy(IPStrategy? spec, string field)
    {
        if (spec is null)
        {
            return null;
        }

        var excluded = spec.ExcludedIPs ?? [];
        for (var i = 0; i < excluded.Count; i++)
        {
            CheckCidr(excluded[i], $"{field}.excludedIPs[{i}]");
        }

        if (spec.Depth is < 0)
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", field + ".depth", $"depth must not be negative (got {spec.Depth})");
        }

        if (spec.Ipv6Subnet is < 0 or > 128)
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", field + ".ipv6Subnet", $"ipv6Subnet must be between 0 and 128 (got {spec.Ipv6Subnet})");
        }

        return new IpStrategyConfig(spec.Depth ?? 0, [.. excluded], spec.Ipv6Subnet);
    }

    private void CheckCidr(string value, string field)
    {
        if (!IPNetwork.TryParse(value, out _) && !IPAddress.TryParse(value, out _))
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidCidr, "InvalidCIDR", field, $"'{value}' is not an IP address or CIDR range");
        }
    }

    private SourceCriterionConfig SourceCriterion(SourceCriterion? spec, string field)
    {
        if (spec is null)
        {
            return SourceCriterionConfig.RemoteAddress;
        }

        return new SourceCriterionConfig(IpStrategy(spec.IPStrategy, field + ".ipStrategy"), NullIfEmpty(spec.RequestHeaderName), spec.RequestHost ?? false);
    }

    private IpAllowListConfig IpAllowList(IReadOnlyList<string>? ranges, IPStrategy? strategy, int? rejectStatus, string f)
    {
        if (ranges is not { Count: > 0 })
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "MissingValue", f + ".sourceRange", "sourceRange needs at least one IP or CIDR range");
        }

        for (var i = 0; i < (ranges?.Count ?? 0); i++)
        {
            CheckCidr(ranges![i], $"{f}.sourceRange[{i}]");
        }

        if (rejectStatus is < 100 or > 599)
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".rejectStatusCode", $"rejectStatusCode {rejectStatus} is not an HTTP status");
        }

        return new IpAllowListConfig([.. ranges ?? []], IpStrategy(strategy, f + ".ipStrategy"), rejectStatus ?? 403);
    }

    private HeadersConfig Headers(Headers h, string f)
    {
        foreach (var (field, set) in new[] { ("sslRedirect", h.SslRedirect is not null), ("sslTemporaryRedirect", h.SslTemporaryRedirect is not null),
                     ("sslHost", h.SslHost is not null), ("sslForceHost", h.SslForceHost is not null), ("featurePolicy", h.FeaturePolicy is not null) })
        {
            if (set)
            {
                context.Warning(DiagnosticCodes.MiddlewareDeprecated, "DeprecatedField", _owner, $"{f}.{field}",
                    field == "featurePolicy" ? "featurePolicy is deprecated and ignored; use permissionsPolicy" : $"{field} is deprecated and ignored; use a redirectScheme middleware");
            }
        }

        var originRegex = Regexes(h.AccessControlAllowOriginListRegex, f + ".accessControlAllowOriginListRegex");

        return new HeadersConfig
        {
            CustomRequestHeaders = Sorted(h.CustomRequestHeaders),
            CustomResponseHeaders = Sorted(h.CustomResponseHeaders),
            AccessControlAllowCredentials = h.AccessControlAllowCredentials ?? false,
            AccessControlAllowHeaders = [.. h.AccessControlAllowHeaders ?? []],
            AccessControlAllowMethods = [.. h.AccessControlAllowMethods ?? []],
            AccessControlAllowOriginList = [.. h.AccessControlAllowOriginList ?? []],
            AccessControlAllowOriginListRegex = originRegex,
            AccessControlExposeHeaders = [.. h.AccessControlExposeHeaders ?? []],
            AccessControlMaxAge = h.AccessControlMaxAge,
            AddVaryHeader = h.AddVaryHeader ?? false,
            AllowedHosts = [.. h.AllowedHosts ?? []],
            HostsProxyHeaders = [.. h.HostsProxyHeaders ?? []],
            SslProxyHeaders = Sorted(h.SslProxyHeaders),
            StsSeconds = h.StsSeconds ?? 0,
            StsIncludeSubdomains = h.StsIncludeSubdomains ?? false,
            StsPreload = h.StsPreload ?? false,
            ForceStsHeader = h.ForceSTSHeader ?? false,
            FrameDeny = h.FrameDeny ?? false,
            CustomFrameOptionsValue = NullIfEmpty(h.CustomFrameOptionsValue),
            ContentTypeNosniff = h.ContentTypeNosniff ?? false,
            BrowserXssFilter = h.BrowserXssFilter ?? false,
            CustomBrowserXssValue = NullIfEmpty(h.CustomBrowserXssValue),
            ContentSecurityPolicy = NullIfEmpty(h.ContentSecurityPolicy),
            ContentSecurityPolicyReportOnly = NullIfEmpty(h.ContentSecurityPolicyReportOnly),
            PublicKey = NullIfEmpty(h.PublicKey),
            ReferrerPolicy = NullIfEmpty(h.ReferrerPolicy),
            PermissionsPolicy = NullIfEmpty(h.PermissionsPolicy),
            IsDevelopment = h.IsDevelopment ?? false,
        };
    }

    private ErrorsConfig? Errors(ErrorPage e, string f)
    {
        var status = e.Status ?? [];
        if (status.Count == 0)
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "MissingValue", f + ".status", "status needs at least one code or range (e.g. 500-599)");
        }

        for (var i = 0; i < status.Count; i++)
        {
            if (!IsStatusRange(status[i]))
            {
                Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", $"{f}.status[{i}]", $"'{status[i]}' is not a status code or range (e.g. 404 or 500-599)");
            }
        }

        string? service = null;
        if (e.Service is null)
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "MissingValue", f + ".service", "errors.service is required");
        }
        else
        {
            service = services.Resolve(e.Service, _owner, f + ".service");
            _ok &= service is not null;
        }

        if (e.ErrorRequestHeaders is { Count: > 0 })
        {
            context.Warning(DiagnosticCodes.MiddlewareUnsupported, "FieldUnsupported", _owner, f + ".errorRequestHeaders", "errorRequestHeaders is not supported and is ignored");
        }

        var rewrites = (e.StatusRewrites ?? ImmutableDictionary<string, int>.Empty).ToImmutableSortedDictionary(StringComparer.Ordinal);
        return new ErrorsConfig([.. status], service ?? "", string.IsNullOrEmpty(e.Query) ? "/" : e.Query, rewrites);
    }

    private static bool IsStatusRange(string s)
    {
        var parts = s.Split('-');
        return parts.Length is 1 or 2
            && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 100 and <= 599)
            && (parts.Length == 1 || int.Parse(parts[0], CultureInfo.InvariantCulture) <= int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private RateLimitConfig RateLimit(RateLimit r, string f)
    {
        if (r.Average is < 0)
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".average", $"average must not be negative (got {r.Average})");
        }

        if (r.Burst is < 0)
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".burst", $"burst must not be negative (got {r.Burst})");
        }

        if (r.Redis is not null)
        {
            context.Warning(DiagnosticCodes.MiddlewareUnsupported, "FieldUnsupported", _owner, f + ".redis",
                "redis is not supported: limits are counted by each gateway instance");
        }

        var period = Duration(r.Period, TimeSpan.FromSeconds(1), f + ".period", positive: true);
        return new RateLimitConfig(r.Average ?? 0, period, r.Burst ?? 1, SourceCriterion(r.SourceCriterion, f + ".sourceCriterion"));
    }

    private TimeSpan Duration(IntOrString? value, TimeSpan fallback, string field, bool positive)
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

    private BasicAuthConfig BasicAuth(BasicAuth b, string f)
    {
        var users = Users(b.Secret, f + ".secret", basic: true);
        return new BasicAuthConfig(users, string.IsNullOrEmpty(b.Realm) ? "traefik" : b.Realm, b.RemoveHeader ?? false, NullIfEmpty(b.HeaderField));
    }

    private DigestAuthConfig DigestAuth(DigestAuth d, string f)
    {
        var users = Users(d.Secret, f + ".secret", basic: false);
        return new DigestAuthConfig(users, string.IsNullOrEmpty(d.Realm) ? "traefik" : d.Realm, d.RemoveHeader ?? false, NullIfEmpty(d.HeaderField));
    }

    /// <summary>
    /// Users from the Secret: a kubernetes.io/basic-auth Secret gives one user (its password stored as an
    /// htpasswd {SHA} hash), any other Secret gives the htpasswd/htdigest lines of its <c>users</c> key.
    /// </summary>
    private ImmutableArray<SecretText> Users(string? secretName, string field, bool basic)
    {
        if (string.IsNullOrEmpty(secretName))
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "MissingValue", field, "secret (holding the users) is required");
            return [];
        }

        var key = new ObjectKey(_owner.Namespace, secretName);
        if (!context.Secrets.TryGetValue(key, out var secret))
        {
            Invalid(DiagnosticCodes.MiddlewareSecretNotFound, "SecretNotFound", field, $"Secret {key} not found");
            return [];
        }

        if (basic && secret.Type == "kubernetes.io/basic-auth")
        {
            var user = SecretValue(secret, "username");
            var password = SecretValue(secret, "password");
            if (string.IsNullOrEmpty(user) || password is null)
            {
                Invalid(DiagnosticCodes.MiddlewareSecretNotFound, "SecretInvalid", field, $"Secret {key} (kubernetes.io/basic-auth) has no username and password");
                return [];
            }

            return [$"{user}:{{SHA}}{Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(password)))}"];
        }

        var lines = (SecretValue(secret, "users") ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith('#'))
            .Select(l => new SecretText(l))
            .ToImmutableArray();
        if (lines.IsEmpty)
        {
            Invalid(DiagnosticCodes.MiddlewareSecretNotFound, "SecretInvalid", field, $"Secret {key} has no users (key 'users', one user:hash per line)");
        }

        return lines;
    }

    private static string? SecretValue(V1Secret secret, string name) =>
        secret.StringData?.TryGetValue(name, out var text) == true ? text
        : secret.Data?.TryGetValue(name, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : null;

    private ForwardAuthConfig ForwardAuth(ForwardAuth a, string f)
    {
        var address = Required(a.Address, f + ".address");
        if (address.Length > 0 && (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".address", $"'{address}' is not an absolute http(s) URL");
        }

        var headersRegex = a.AuthResponseHeadersRegex is { Length: > 0 } regex ? CompileRegex(regex, f + ".authResponseHeadersRegex") : null;

        foreach (var (field, set) in new[] { ("headerField", !string.IsNullOrEmpty(a.HeaderField)),
                     ("preserveRequestMethod", a.PreserveRequestMethod is not null), ("authSigninUrl", !string.IsNullOrEmpty(a.AuthSigninUrl)), ("maxResponseBodySize", a.MaxResponseBodySize is not null) })
        {
            if (set)
            {
                context.Warning(DiagnosticCodes.MiddlewareUnsupported, "FieldUnsupported", _owner, $"{f}.{field}", $"{field} is not supported and is ignored");
            }
        }

        string? transport = null;
        if (a.Tls is { } tls)
        {
            transport = transports.AddForwardAuthTransport(_owner, tls, f + ".tls", ref _ok);
        }

        return new ForwardAuthConfig(address, a.TrustForwardHeader ?? false, [.. a.AuthResponseHeaders ?? []], headersRegex,
            [.. a.AuthRequestHeaders ?? []], a.ForwardBody ?? false, a.MaxBodySize ?? -1, a.PreserveLocationHeader ?? false, transport)
        {
            AddAuthCookiesToResponse = [.. a.AddAuthCookiesToResponse ?? []],
        };
    }

    private InFlightReqConfig InFlightReq(InFlightReq r, string f)
    {
        if (r.Amount is not > 0)
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".amount", $"amount must be at least 1 (got {r.Amount?.ToString(CultureInfo.InvariantCulture) ?? "nothing"})");
        }

        return new InFlightReqConfig(r.Amount ?? 0, SourceCriterion(r.SourceCriterion, f + ".sourceCriterion"));
    }

    private BufferingConfig Buffering(Buffering b, string f)
    {
        foreach (var (value, field) in new[] { (b.MaxRequestBodyBytes, "maxRequestBodyBytes"), (b.MemRequestBodyBytes, "memRequestBodyBytes"),
                     (b.MaxResponseBodyBytes, "maxResponseBodyBytes"), (b.MemResponseBodyBytes, "memResponseBodyBytes") })
        {
            if (value is < 0)
            {
                Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", $"{f}.{field}", $"{field} must not be negative (got {value})");
            }
        }

        if (!string.IsNullOrEmpty(b.RetryExpression))
        {
            context.Warning(DiagnosticCodes.MiddlewareUnsupported, "FieldUnsupported", _owner, f + ".retryExpression",
                "retryExpression is not supported and is ignored (use a retry middleware)");
        }

        return new BufferingConfig(b.MaxRequestBodyBytes ?? 0, b.MemRequestBodyBytes ?? 1048576, b.MaxResponseBodyBytes ?? 0,
            b.MemResponseBodyBytes ?? 1048576);
    }

    private CircuitBreakerConfig CircuitBreaker(CircuitBreaker c, string f)
    {
        var text = Required(c.Expression, f + ".expression");
        var expression = BreakerExpression.TryParse(text, out var error);
        if (expression is null && text.Length > 0)
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidExpression", f + ".expression", error!);
        }

        if (c.ResponseCode is < 100 or > 599)
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".responseCode", $"{c.ResponseCode} is not an HTTP status (100-599)");
        }

        return new CircuitBreakerConfig(expression ?? UnusableExpression,
            Duration(c.CheckPeriod, TimeSpan.FromMilliseconds(100), f + ".checkPeriod", positive: true),
            Duration(c.FallbackDuration, TimeSpan.FromSeconds(10), f + ".fallbackDuration", positive: true),
            Duration(c.RecoveryDuration, TimeSpan.FromSeconds(10), f + ".recoveryDuration", positive: true),
            c.ResponseCode ?? 503);
    }

    private CompressConfig Compress(Compress c, string f)
    {
        if (c.ExcludedContentTypes is { Count: > 0 } && c.IncludedContentTypes is { Count: > 0 })
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".includedContentTypes", "excludedContentTypes and includedContentTypes cannot both be set");
        }

        return new CompressConfig([.. c.ExcludedContentTypes ?? []], [.. c.IncludedContentTypes ?? []], c.MinResponseBodyBytes ?? 1024,
            c.Encodings is { Count: > 0 } e ? [.. e] : ["zstd", "br", "gzip"], NullIfEmpty(c.DefaultEncoding));
    }

    private static PassTlsClientCertConfig PassTlsClientCert(PassTLSClientCert p)
    {
        var fields = new List<string>();
        if (p.Info is { } info)
        {
            Add(info.NotAfter, "notAfter");
            Add(info.NotBefore, "notBefore");
            Add(info.Sans, "sans");
            Add(info.SerialNumber, "serialNumber");
            if (info.Subject is { } s)
            {
                Add(s.Country, "subject.country");
                Add(s.Province, "subject.province");
                Add(s.Locality, "subject.locality");
                Add(s.Organization, "subject.organization");
                Add(s.OrganizationalUnit, "subject.organizationalUnit");
                Add(s.CommonName, "subject.commonName");
                Add(s.SerialNumber, "subject.serialNumber");
                Add(s.DomainComponent, "subject.domainComponent");
            }

            if (info.Issuer is { } i)
            {
                Add(i.Country, "issuer.country");
                Add(i.Province, "issuer.province");
                Add(i.Locality, "issuer.locality");
                Add(i.Organization, "issuer.organization");
                Add(i.CommonName, "issuer.commonName");
                Add(i.SerialNumber, "issuer.serialNumber");
                Add(i.DomainComponent, "issuer.domainComponent");
            }
        }

        return new PassTlsClientCertConfig(p.Pem ?? false, [.. fields]);

        void Add(bool? flag, string name)
        {
            if (flag == true)
            {
                fields.Add(name);
            }
        }
    }

    private RetryConfig Retry(Retry r, string f)
    {
        if (r.Attempts is not > 0)
        {
            Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".attempts", $"attempts must be at least 1 (got {r.Attempts?.ToString(CultureInfo.InvariantCulture) ?? "nothing"})");
        }

        foreach (var (field, set) in new[] { ("timeout", r.Timeout is not null), ("maxRequestBodyBytes", r.MaxRequestBodyBytes is not null), ("status", r.Status is { Count: > 0 }),
                     ("disableRetryOnNetworkError", r.DisableRetryOnNetworkError is not null), ("retryNonIdempotentMethod", r.RetryNonIdempotentMethod is not null) })
        {
            if (set)
            {
                context.Warning(DiagnosticCodes.MiddlewareUnsupported, "FieldUnsupported", _owner, $"{f}.{field}", $"{field} is not supported and is ignored");
            }
        }

        // Bounds (Traefik has none): every attempt may cost a backend call, and attempts without a pause are a
        // busy loop; the data plane enforces both whatever the table says (RetryConfig.MaxAttempts, MinInterval).
        var attempts = r.Attempts ?? 0;
        if (attempts > RetryConfig.MaxAttempts)
        {
            context.Warning(DiagnosticCodes.MiddlewareInvalidValue, "ValueBounded", _owner, f + ".attempts",
                $"attempts {attempts} is above the gateway's bound; {RetryConfig.MaxAttempts} attempts are made");
            attempts = RetryConfig.MaxAttempts;
        }

        var interval = Duration(r.InitialInterval, TimeSpan.FromMilliseconds(100), f + ".initialInterval", positive: false);
        if (interval < RetryConfig.MinInterval && attempts > 1)
        {
            context.Warning(DiagnosticCodes.MiddlewareInvalidValue, "ValueBounded", _owner, f + ".initialInterval",
                $"initialInterval {interval.TotalMilliseconds:0.###}ms would retry without a pause; the gateway waits at least {RetryConfig.MinInterval.TotalMilliseconds:0}ms");
            interval = RetryConfig.MinInterval;
        }

        return new RetryConfig(attempts, interval);
    }

    private static EncodedCharactersConfig EncodedCharacters(EncodedCharacters e)
    {
        var allow = ImmutableSortedDictionary.CreateBuilder<string, bool>(StringComparer.Ordinal);
        Set("allowEncodedSlash", e.AllowEncodedSlash);
        Set("allowEncodedBackSlash", e.AllowEncodedBackSlash);
        Set("allowEncodedNullCharacter", e.AllowEncodedNullCharacter);
        Set("allowEncodedSemicolon", e.AllowEncodedSemicolon);
        Set("allowEncodedPercent", e.AllowEncodedPercent);
        Set("allowEncodedQuestionMark", e.AllowEncodedQuestionMark);
        Set("allowEncodedHash", e.AllowEncodedHash);
        return new EncodedCharactersConfig(allow.ToImmutable());

        void Set(string name, bool? value)
        {
            if (value is { } v)
            {
                allow[name] = v;
            }
        }
    }

    private static ImmutableSortedDictionary<string, string> Sorted(IReadOnlyDictionary<string, string>? map) =>
        (map ?? ImmutableDictionary<string, string>.Empty).ToImmutableSortedDictionary(StringComparer.Ordinal);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
