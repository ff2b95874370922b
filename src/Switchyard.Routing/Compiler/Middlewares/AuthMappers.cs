using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Middlewares;

/// <summary>The authentication family: basicAuth, digestAuth (users from a Secret), forwardAuth.</summary>
internal static class AuthMappers
{
    // Traefik's default realm for both basicAuth and digestAuth.
    private const string DefaultRealm = "traefik";

    public static BasicAuthConfig BasicAuth(MiddlewareMapping m, BasicAuth b) =>
        new(Users(m, b.Secret, m.Field + ".secret", basic: true), string.IsNullOrEmpty(b.Realm) ? DefaultRealm : b.Realm,
            b.RemoveHeader ?? false, MiddlewareMapping.NullIfEmpty(b.HeaderField));

    public static DigestAuthConfig DigestAuth(MiddlewareMapping m, DigestAuth d) =>
        new(Users(m, d.Secret, m.Field + ".secret", basic: false), string.IsNullOrEmpty(d.Realm) ? DefaultRealm : d.Realm,
            d.RemoveHeader ?? false, MiddlewareMapping.NullIfEmpty(d.HeaderField));

    public static ForwardAuthConfig ForwardAuth(MiddlewareMapping m, ForwardAuth a)
    {
        var f = m.Field;
        var address = m.Required(a.Address, f + ".address");
        if (address.Length > 0 && (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".address", $"'{address}' is not an absolute http(s) URL");
        }

        var headersRegex = a.AuthResponseHeadersRegex is { Length: > 0 } regex ? m.CompileRegex(regex, f + ".authResponseHeadersRegex") : null;
        m.WarnIgnored([("headerField", !string.IsNullOrEmpty(a.HeaderField)), ("preserveRequestMethod", a.PreserveRequestMethod is not null),
            ("authSigninUrl", !string.IsNullOrEmpty(a.AuthSigninUrl)), ("maxResponseBodySize", a.MaxResponseBodySize is not null)]);

        string? transport = null;
        if (a.Tls is { } tls)
        {
            var ok = m.Ok;
            transport = m.Transports.AddForwardAuthTransport(m.Owner, tls, f + ".tls", ref ok);
            m.Ok = ok;
        }

        return new ForwardAuthConfig(address, a.TrustForwardHeader ?? false, [.. a.AuthResponseHeaders ?? []], headersRegex,
            [.. a.AuthRequestHeaders ?? []], a.ForwardBody ?? false, a.MaxBodySize ?? -1, a.PreserveLocationHeader ?? false, transport)
        {
            AddAuthCookiesToResponse = [.. a.AddAuthCookiesToResponse ?? []],
        };
    }

    /// <summary>
    /// Users from the Secret: a kubernetes.io/basic-auth Secret gives one user (its password stored as an
    /// htpasswd {SHA} hash), any other Secret gives the htpasswd/htdigest lines of its <c>users</c> key.
    /// </summary>
    private static ImmutableArray<SecretText> Users(MiddlewareMapping m, string? secretName, string field, bool basic)
    {
        if (string.IsNullOrEmpty(secretName))
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "MissingValue", field, "secret (holding the users) is required");
            return [];
        }

        var key = new ObjectKey(m.Owner.Namespace, secretName);
        if (!m.Context.Secrets.TryGetValue(key, out var secret))
        {
            m.Invalid(DiagnosticCodes.MiddlewareSecretNotFound, "SecretNotFound", field, $"Secret {key} not found");
            return [];
        }

        if (basic && secret.Type == "kubernetes.io/basic-auth")
        {
            var user = SecretValue(secret, "username");
            var password = SecretValue(secret, "password");
            if (string.IsNullOrEmpty(user) || password is null)
            {
                m.Invalid(DiagnosticCodes.MiddlewareSecretNotFound, "SecretInvalid", field, $"Secret {key} (kubernetes.io/basic-auth) has no username and password");
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
            m.Invalid(DiagnosticCodes.MiddlewareSecretNotFound, "SecretInvalid", field, $"Secret {key} has no users (key 'users', one user:hash per line)");
        }

        return lines;
    }

    private static string? SecretValue(V1Secret secret, string name) =>
        secret.StringData?.TryGetValue(name, out var text) == true ? text
        : secret.Data?.TryGetValue(name, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : null;
}
