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

    public static BasicAuthConfig BasicAuth(MiddlewareMapping m, BasicAuth b)
    {
        var field = m.Field + ".secret";
        var users = UsersText(m, b.Secret, field, basic: true) is { } text
            ? Parsed(m, b.Secret!, field, errors => AuthUsers.ParseBasic(text, errors), "has no users (key 'users', one user:hash per line)")
            : [];
        return new BasicAuthConfig(users, string.IsNullOrEmpty(b.Realm) ? DefaultRealm : b.Realm, b.RemoveHeader ?? false,
            MiddlewareMapping.NullIfEmpty(b.HeaderField));
    }

    public static DigestAuthConfig DigestAuth(MiddlewareMapping m, DigestAuth d)
    {
        var realm = string.IsNullOrEmpty(d.Realm) ? DefaultRealm : d.Realm;
        if (realm.Contains('"', StringComparison.Ordinal))
        {
            // The realm is sent inside a quoted challenge parameter.
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", m.Field + ".realm", "realm must not contain '\"'");
        }

        var field = m.Field + ".secret";
        var users = UsersText(m, d.Secret, field, basic: false) is { } text
            ? Parsed(m, d.Secret!, field, errors => AuthUsers.ParseDigest(text, realm, errors), $"has no users for realm '{realm}' (htdigest lines user:realm:md5-hex)")
            : [];
        return new DigestAuthConfig(users, realm, d.RemoveHeader ?? false, MiddlewareMapping.NullIfEmpty(d.HeaderField));
    }

    /// <summary>The users <paramref name="parse"/> reads; each bad line, or no user at all, is a diagnostic naming the Secret.</summary>
    private static ImmutableArray<T> Parsed<T>(MiddlewareMapping m, string secretName, string field, Func<List<string>, ImmutableArray<T>> parse, string none)
    {
        var errors = new List<string>();
        var users = parse(errors);
        var secret = $"Secret {m.Owner.Namespace}/{secretName}";
        foreach (var error in errors)
        {
            m.Invalid(DiagnosticCodes.MiddlewareSecretNotFound, "SecretInvalid", field, $"{secret} (key 'users'): {error}");
        }

        if (users.IsEmpty && errors.Count == 0)
        {
            m.Invalid(DiagnosticCodes.MiddlewareSecretNotFound, "SecretInvalid", field, $"{secret} {none}");
        }

        return users;
    }

    public static ForwardAuthConfig ForwardAuth(MiddlewareMapping m, ForwardAuth a)
    {
        var f = m.Field;
        var address = m.Required(a.Address, f + ".address");
        if (address.Length > 0 && (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".address", $"'{address}' is not an absolute http(s) URL");
        }

        var headersRegex = a.AuthResponseHeadersRegex is { Length: > 0 } regex ? m.CompileRegex(regex, f + ".authResponseHeadersRegex") : null;
        if (a.MaxResponseBodySize is < -1)
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".maxResponseBodySize",
                $"maxResponseBodySize must be -1 (no limit) or more (got {a.MaxResponseBodySize})");
        }

        if (a.AuthSigninUrl is { Length: > 0 } signin && !Uri.TryCreate(signin, UriKind.RelativeOrAbsolute, out _))
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", f + ".authSigninURL", $"'{signin}' is not a URL");
        }

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
            HeaderField = MiddlewareMapping.NullIfEmpty(a.HeaderField),
            PreserveRequestMethod = a.PreserveRequestMethod ?? false,
            AuthSigninUrl = MiddlewareMapping.NullIfEmpty(a.AuthSigninUrl),
            MaxResponseBodySize = a.MaxResponseBodySize ?? -1,
        };
    }

    /// <summary>
    /// The users text of the Secret: a kubernetes.io/basic-auth Secret (basicAuth only) gives one htpasswd line with its
    /// password as a {SHA} hash (as Traefik's loadBasicAuthCredentials), any other Secret its <c>users</c> key. Null,
    /// reported, when there is none.
    /// </summary>
    private static string? UsersText(MiddlewareMapping m, string? secretName, string field, bool basic)
    {
        if (string.IsNullOrEmpty(secretName))
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "MissingValue", field, "secret (holding the users) is required");
            return null;
        }

        var key = new ObjectKey(m.Owner.Namespace, secretName);
        if (!m.Context.Secrets.TryGetValue(key, out var secret))
        {
            m.Invalid(DiagnosticCodes.MiddlewareSecretNotFound, "SecretNotFound", field, $"Secret {key} not found");
            return null;
        }

        if (basic && secret.Type == "kubernetes.io/basic-auth")
        {
            var user = SecretValue(secret, "username");
            var password = SecretValue(secret, "password");
            if (string.IsNullOrEmpty(user) || password is null)
            {
                m.Invalid(DiagnosticCodes.MiddlewareSecretNotFound, "SecretInvalid", field, $"Secret {key} (kubernetes.io/basic-auth) has no username and password");
                return null;
            }

            return $"{user}:{{SHA}}{Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(password)))}";
        }

        return SecretValue(secret, "users") ?? "";
    }

    internal static string? SecretValue(V1Secret secret, string name) =>
        secret.StringData?.TryGetValue(name, out var text) == true ? text
        : secret.Data?.TryGetValue(name, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : null;
}
