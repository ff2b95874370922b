using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Middlewares;

/// <summary>
/// rateLimit.redis as Traefik's CRD provider reads it (<c>pkg/provider/kubernetes/crd/kubernetes.go</c>: defaults of
/// <c>dynamic.Redis.SetDefaults</c>, credentials from the Secret's <c>username</c> and <c>password</c> keys, TLS from
/// caSecret/certSecret). A missing Secret or a bad endpoint is an error on the Middleware, as in Traefik.
/// </summary>
internal static class RedisMapper
{
    private static readonly TimeSpan DefaultDial = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DefaultReadWrite = TimeSpan.FromSeconds(3);

    public static RateLimitRedisConfig Redis(MiddlewareMapping m, RateLimitRedis r, string field)
    {
        var endpoints = r.Endpoints is { Count: > 0 } list ? [.. list] : ImmutableArray.Create(RateLimitRedisConfig.DefaultEndpoint);
        for (var i = 0; i < endpoints.Length; i++)
        {
            if (!IsEndpoint(endpoints[i]))
            {
                m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", $"{field}.endpoints[{i}]", $"'{endpoints[i]}' is not host:port");
            }
        }

        var (username, password) = Credentials(m, r.Secret, field + ".secret");

        string? transport = null;
        if (r.Tls is { } tls)
        {
            var ok = m.Ok;
            transport = m.Transports.AddForwardAuthTransport(m.Owner, tls, field + ".tls", ref ok, suffix: "redis");
            m.Ok = ok;
        }

        if (r.Db is < 0)
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", field + ".db", $"db must not be negative (got {r.Db})");
        }

        foreach (var (value, name) in new[] { (r.PoolSize, "poolSize"), (r.MinIdleConns, "minIdleConns"), (r.MaxActiveConns, "maxActiveConns") })
        {
            if (value is < 0)
            {
                m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", $"{field}.{name}", $"{name} must not be negative (got {value})");
            }
        }

        return new RateLimitRedisConfig(endpoints, username, password, r.Db ?? 0, transport,
            Timeout(m, r.DialTimeout, DefaultDial, field + ".dialTimeout"),
            Timeout(m, r.ReadTimeout, DefaultReadWrite, field + ".readTimeout"),
            Timeout(m, r.WriteTimeout, DefaultReadWrite, field + ".writeTimeout"),
            r.PoolSize ?? 0, r.MinIdleConns ?? 0, r.MaxActiveConns ?? 0);
    }

    /// <summary>
    /// A timeout; 0 or negative means "none" in Traefik (go-redis -1). A call must never wait without bound for the
    /// shared store, so the gateway keeps Traefik's default there and says so.
    /// </summary>
    private static TimeSpan Timeout(MiddlewareMapping m, k8s.Models.IntOrString? value, TimeSpan fallback, string field)
    {
        if (value?.Value is { Length: > 0 } text && (text.TrimStart().StartsWith('-') || GoDuration.TryParse(text, out var zero) && zero == TimeSpan.Zero))
        {
            m.Warning(DiagnosticCodes.MiddlewareInvalidValue, "ValueBounded", field,
                $"'{text}' means no timeout in Traefik; the gateway never waits on Redis without bound and uses {fallback.TotalSeconds:0}s");
            return fallback;
        }

        return m.Duration(value, fallback, field, positive: true);
    }

    private static (string? User, SecretText? Password) Credentials(MiddlewareMapping m, string? secretName, string field)
    {
        if (string.IsNullOrEmpty(secretName))
        {
            return (null, null);
        }

        var key = new ObjectKey(m.Owner.Namespace, secretName);
        if (!m.Context.Secrets.TryGetValue(key, out var secret))
        {
            m.Invalid(DiagnosticCodes.MiddlewareSecretNotFound, "SecretNotFound", field, $"Secret {key} not found");
            return (null, null);
        }

        var user = AuthMappers.SecretValue(secret, "username");
        var password = AuthMappers.SecretValue(secret, "password");
        if (user is null || password is null)
        {
            m.Invalid(DiagnosticCodes.MiddlewareSecretNotFound, "SecretInvalid", field, $"Secret {key} must contain both username and password keys");
            return (null, null);
        }

        return (user.Length == 0 ? null : user, new SecretText(password));
    }

    private static bool IsEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && colon < endpoint.Length - 1
            && int.TryParse(endpoint.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is > 0 and < 65536;
    }
}
