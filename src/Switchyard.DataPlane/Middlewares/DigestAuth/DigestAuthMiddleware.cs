using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.DataPlane.Errors;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.DigestAuth;

/// <summary>
/// Traefik's digestAuth (RFC 7616 with MD5, qop=auth or none; users are htdigest lines user:realm:HA1).
/// Missing or wrong credentials: HTTP callers get 401 with a fresh challenge (stale=true when only the nonce had
/// expired), gRPC callers UNAUTHENTICATED — a gRPC client can still authenticate with a nonce it obtained from a
/// challenge, since nonces are not tied to a method or path. <c>headerField</c> passes the user name on,
/// <c>removeHeader</c> drops Authorization before forwarding.
/// </summary>
public sealed class DigestAuthMiddleware(Dictionary<string, string> ha1ByUser, string realm, bool removeHeader, string? headerField, DigestNonces nonces) : IRouteMiddleware
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var (user, stale) = Authenticate(context);
        if (user is null)
        {
            if (ProxyErrors.IsGrpc(context.Request))
            {
                return ProxyErrors.WriteAsync(context, ProxyErrorKind.Unauthenticated, "unauthorized");
            }

            var response = context.Response;
            response.StatusCode = StatusCodes.Status401Unauthorized;
            response.Headers.WWWAuthenticate =
                $"Digest realm=\"{realm}\", nonce=\"{nonces.Issue()}\", opaque=\"{nonces.Opaque}\", algorithm=MD5, qop=\"auth\"{(stale ? ", stale=true" : "")}";
            response.ContentType = "text/plain; charset=utf-8";
            return response.WriteAsync("401 Unauthorized\n");
        }

        if (removeHeader)
        {
            context.Request.Headers.Remove("Authorization");
        }

        if (!string.IsNullOrEmpty(headerField))
        {
            context.Request.Headers[headerField] = user;
        }

        AccessLog.AccessLogEntry.SetClientUsername(context, user);
        return next(context);
    }

    private (string? User, bool Stale) Authenticate(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Digest ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, false);
        }

        var fields = DigestHeader.Parse(header.AsSpan(7));
        if (!fields.TryGetValue("username", out var user) || !fields.TryGetValue("nonce", out var nonce) ||
            !fields.TryGetValue("uri", out var uri) || !fields.TryGetValue("response", out var answer) ||
            !ha1ByUser.TryGetValue(user, out var ha1) ||
            (fields.TryGetValue("realm", out var sentRealm) && sentRealm != realm) ||
            (fields.TryGetValue("algorithm", out var algorithm) && !algorithm.Equals("MD5", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, false);
        }

        // The digest covers the request target the client sent; it must be this request's.
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (uri != target && uri != context.Request.Path.Value + context.Request.QueryString.Value)
        {
            return (null, false);
        }

        var (valid, stale) = nonces.Check(nonce);
        if (!valid)
        {
            return (null, stale);
        }

        var ha2 = Md5($"{context.Request.Method}:{uri}");
        string expected;
        if (fields.TryGetValue("qop", out var qop))
        {
            if (qop != "auth" || !fields.TryGetValue("nc", out var nc) || !fields.TryGetValue("cnonce", out var cnonce) ||
                !long.TryParse(nc, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var count))
            {
                return (null, false);
            }

            expected = Md5($"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");
            if (!Equal(expected, answer) || !nonces.AcceptCount(nonce, count))
            {
                return (null, false);
            }

            return (user, false);
        }

        expected = Md5($"{ha1}:{nonce}:{ha2}");
        return Equal(expected, answer) ? (user, false) : (null, false);
    }

    private static bool Equal(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual.ToLowerInvariant()));

#pragma warning disable CA5351 // MD5 is what HTTP Digest (and htdigest files) use; it is not our choice.
    internal static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351
}

/// <summary>Parses the comma-separated name=value / name="quoted value" list of a Digest Authorization header.</summary>
internal static class DigestHeader
{
    public static Dictionary<string, string> Parse(ReadOnlySpan<char> text)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }

            var nameStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',')
            {
                i++;
            }

            var name = text[nameStart..i].Trim().ToString();
            if (i >= text.Length || text[i] != '=')
            {
                continue;
            }

            i++;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    sb.Append(text[i]);
                    i++;
                }

                i++;
                value = sb.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < text.Length && text[i] != ',')
                {
                    i++;
                }

                value = text[valueStart..i].Trim().ToString();
            }

            if (name.Length > 0)
            {
                fields[name] = value;
            }
        }

        return fields;
    }
}

/// <summary>Builds digestAuth. The nonce key lives in the swap state so issued nonces survive table swaps.</summary>
public sealed class DigestAuthFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(DigestAuthConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (DigestAuthConfig)config;
        var realm = string.IsNullOrEmpty(c.Realm) ? "traefik" : c.Realm;
        if (realm.Contains('"', StringComparison.Ordinal))
        {
            throw new ArgumentException("digestAuth: the realm must not contain '\"'");
        }

        // Users (of this realm) were parsed and checked by the compiler (AuthUsers); nothing here reads htdigest text.
        var users = (c.Users.IsDefault ? [] : c.Users).ToDictionary(u => u.Name, u => u.Ha1.Reveal(), StringComparer.Ordinal);
        if (users.Count == 0)
        {
            throw new ArgumentException($"digestAuth: no users for realm '{realm}'");
        }

        var time = context.Services.GetService<TimeProvider>() ?? TimeProvider.System;
        var nonces = context.State.GetOrAdd($"digestAuth|{id}", () => new DigestNonces(time));
        return new DigestAuthMiddleware(users, realm, c.RemoveHeader, c.HeaderField, nonces);
    }
}
