using System.Net.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Switchyard.DataPlane.Errors;

namespace Switchyard.DataPlane.Middlewares.ForwardAuth;

/// <summary>
/// Traefik's forwardAuth: every request is first sent (as a GET) to the auth server. A 2xx answer lets the
/// request through with the auth server's authResponseHeaders (and headers matching authResponseHeadersRegex)
/// copied onto it; any other answer goes back to the caller as is (status, headers, body). gRPC callers cannot
/// read an HTML login page, so they get a grpc-status instead: 401 → UNAUTHENTICATED, 403 →
/// PERMISSION_DENIED, 429/5xx or an unreachable auth server → UNAVAILABLE, anything else → INTERNAL.
/// preserveRequestMethod, authSigninURL (a 401 becomes a 302 there), maxResponseBodySize (the auth body is read up to
/// it, 401 past it) and headerField (the access log's ClientUsername) as Traefik's <c>pkg/middlewares/auth/forward.go</c>.
/// </summary>
public sealed partial class ForwardAuthMiddleware(ForwardAuthOptions options, HttpClient client, ILogger logger) : IRouteMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        byte[]? body = null;
        if (options.ForwardBody)
        {
            body = await ReadAllAsync(context.Request.Body, context.Request.ContentLength, options.MaxBodySize, context.RequestAborted);
            if (body is null)
            {
                // Traefik answers 401 when the body is over maxBodySize: the auth server could not judge it.
                await ProxyErrors.WriteAsync(context, ProxyErrorKind.Unauthenticated, "request body is too large for forwardAuth");
                return;
            }

            context.Request.Body = new MemoryStream(body, writable: false);
        }

        HttpResponseMessage response;
        using (var request = AuthRequest.Build(context, options, body))
        {
            try
            {
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !context.RequestAborted.IsCancellationRequested)
            {
                LogAuthServerFailed(logger, options.Id, options.Address, ex.Message);
                if (ProxyErrors.IsGrpc(context.Request))
                {
                    await ProxyErrors.WriteAsync(context, ProxyErrorKind.Unavailable, "forwardAuth: the authentication server cannot be reached");
                    return;
                }

                // Traefik: 500 when the auth server cannot be reached.
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            byte[]? answer = null;
            if (options.MaxResponseBodySize >= 0)
            {
                // Traefik reads the auth server's whole body first; past maxResponseBodySize the call is refused with 401.
                var stream = await response.Content.ReadAsStreamAsync(context.RequestAborted);
                answer = await ReadAllAsync(stream, response.Content.Headers.ContentLength, options.MaxResponseBodySize, context.RequestAborted);
                if (answer is null)
                {
                    await ProxyErrors.WriteAsync(context, ProxyErrorKind.Unauthenticated, "forwardAuth: the authentication server's answer is too large");
                    return;
                }
            }

            if (options.HeaderField is { } field && response.Headers.TryGetValues(field, out var users) && users.FirstOrDefault() is { } user)
            {
                AccessLog.AccessLogEntry.SetClientUsername(context, user);
            }

            if (status == StatusCodes.Status401Unauthorized && options.AuthSigninUrl is { } signin && !ProxyErrors.IsGrpc(context.Request))
            {
                // authSigninURL: Traefik redirects the caller to the sign-in page (http.Redirect, 302 Found).
                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = signin;
                return;
            }

            if (status is < 200 or > 299)
            {
                await DenyAsync(context, response, status, answer);
                return;
            }

            CopyAuthResponseHeaders(context.Request.Headers, response);
            if (options.AuthCookies is { } names)
            {
                AddAuthCookies(context, response, names);
            }
        }

        await next(context);
    }

    /// <summary>Traefik: each authResponseHeaders name is replaced by the auth server's value (or removed); then
    /// every request header matching the regex is removed and every matching answer header added.</summary>
    private void CopyAuthResponseHeaders(IHeaderDictionary headers, HttpResponseMessage response)
    {
        foreach (var name in options.AuthResponseHeaders)
        {
            headers.Remove(name);
            if (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
            {
                headers[name] = new StringValues([.. values]);
            }
        }

        if (options.AuthResponseHeadersRegex is not { } regex)
        {
            return;
        }

        List<string>? remove = null;
        foreach (var name in headers.Keys)
        {
            if (regex.IsMatch(AuthHeaders.Canonical(name)))
            {
                (remove ??= []).Add(name);
            }
        }

        foreach (var name in remove ?? [])
        {
            headers.Remove(name);
        }

        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!AuthHeaders.IsNotCopied(name) && regex.IsMatch(AuthHeaders.Canonical(name)))
            {
                headers[name] = new StringValues([.. values]);
            }
        }
    }

    /// <summary>addAuthCookiesToResponse: the named cookies the auth server set replace same-named ones of the backend.</summary>
    private static void AddAuthCookies(HttpContext context, HttpResponseMessage response, HashSet<string> names)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            return;
        }

        var cookies = setCookies.Where(c => names.Contains(CookieName(c))).ToArray();
        if (cookies.Length == 0)
        {
            return;
        }

        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            var kept = headers.SetCookie.Where(c => c is not null && !names.Contains(CookieName(c))).ToList();
            kept.AddRange(cookies);
            headers.SetCookie = new StringValues([.. kept]);
            return Task.CompletedTask;
        });
    }

    private static string CookieName(string setCookie)
    {
        var eq = setCookie.IndexOf('=', StringComparison.Ordinal);
        return (eq < 0 ? setCookie : setCookie[..eq]).Trim();
    }

    /// <param name="body">The auth server's body when it was read already (maxResponseBodySize), else null: streamed.</param>
    private async Task DenyAsync(HttpContext context, HttpResponseMessage response, int status, byte[]? body)
    {
        if (ProxyErrors.IsGrpc(context.Request))
        {
            var grpcStatus = status switch
            {
                401 => 16, // UNAUTHENTICATED
                403 => 7, // PERMISSION_DENIED
                429 or >= 500 => 14, // UNAVAILABLE: worth retrying
                _ => 13, // INTERNAL
            };
            await ProxyErrors.WriteGrpcStatusAsync(context, grpcStatus, $"forwardAuth: the authentication server answered {status}");
            return;
        }

        var answer = context.Response;
        answer.StatusCode = status;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!AuthHeaders.IsNotCopied(name))
            {
                answer.Headers[name] = new StringValues([.. values]);
            }
        }

        // Go's Response.Location(): a relative Location is resolved against the auth server's URL.
        if (!options.PreserveLocationHeader && response.Headers.Location is { IsAbsoluteUri: false } relative)
        {
            answer.Headers.Location = new Uri(options.Address, relative).ToString();
        }

        if (body is not null)
        {
            await answer.Body.WriteAsync(body, context.RequestAborted);
            return;
        }

        await response.Content.CopyToAsync(answer.Body, context.RequestAborted);
    }

    /// <summary>The whole body, or null when it is longer than <paramref name="max"/> (-1: no limit).</summary>
    private static async Task<byte[]?> ReadAllAsync(Stream body, long? length, long max, CancellationToken cancellationToken)
    {
        if (max >= 0 && length > max)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (max >= 0 && buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "forwardAuth {Id}: the authentication server {Address} failed: {Error}")]
    private static partial void LogAuthServerFailed(ILogger logger, string id, Uri address, string error);
}
