using System.Net;
using System.Net.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace Switchyard.DataPlane.Middlewares.ForwardAuth;

/// <summary>
/// The GET Traefik sends to the auth server: the caller's headers (all, or only authRequestHeaders), minus
/// hop-by-hop ones, plus X-Forwarded-For/Method/Proto/Host/Uri describing the original request. With
/// trustForwardHeader the caller's own X-Forwarded-* values are kept (X-Forwarded-For gets the client appended).
/// </summary>
internal static class AuthRequest
{
    private const string XForwardedFor = "X-Forwarded-For";
    private const string XForwardedMethod = "X-Forwarded-Method";
    private const string XForwardedProto = "X-Forwarded-Proto";
    private const string XForwardedHost = "X-Forwarded-Host";
    private const string XForwardedUri = "X-Forwarded-Uri";
    private const string XForwardedPort = "X-Forwarded-Port";

    public static HttpRequestMessage Build(HttpContext context, ForwardAuthOptions options, byte[]? body)
    {
        var request = context.Request;
        // preserveRequestMethod: the caller's method instead of Traefik's default GET.
        var message = new HttpRequestMessage(options.PreserveRequestMethod ? new HttpMethod(request.Method) : HttpMethod.Get, options.Address);
        HttpContent? content = body is null ? null : new ByteArrayContent(body);
        foreach (var (name, values) in request.Headers)
        {
            if (AuthHeaders.IsNotCopied(name) || (options.AuthRequestHeaders is { } allowed && !allowed.Contains(name)) || IsForwarded(name))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                // Content-* headers belong to the content; a bodiless GET still carries them, as Traefik's does.
                content ??= new ByteArrayContent([]);
                content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        message.Content = content;
        var trust = options.TrustForwardHeader;
        var headers = message.Headers;

        var clientIp = ClientIp(context.Connection.RemoteIpAddress);
        if (clientIp is not null)
        {
            var prior = request.Headers[XForwardedFor];
            headers.TryAddWithoutValidation(XForwardedFor, trust && prior.Count > 0 ? string.Join(", ", (IEnumerable<string?>)prior) + ", " + clientIp : clientIp);
        }

        headers.TryAddWithoutValidation(XForwardedMethod, Trusted(request, XForwardedMethod, trust) ?? request.Method);
        headers.TryAddWithoutValidation(XForwardedProto, Trusted(request, XForwardedProto, trust) ?? (request.IsHttps ? "https" : "http"));
        if (Trusted(request, XForwardedPort, trust) is { } port)
        {
            headers.TryAddWithoutValidation(XForwardedPort, port);
        }

        if ((Trusted(request, XForwardedHost, trust) ?? request.Host.Value) is { Length: > 0 } host)
        {
            headers.TryAddWithoutValidation(XForwardedHost, host);
        }

        // Traefik sends the request URI as the route sees it (after stripPrefix and friends), escaped.
        headers.TryAddWithoutValidation(XForwardedUri, Trusted(request, XForwardedUri, trust) ?? UriHelper.BuildRelative(request.PathBase, request.Path, request.QueryString));
        return message;
    }

    private static bool IsForwarded(string name) =>
        name.Equals(XForwardedFor, StringComparison.OrdinalIgnoreCase) || name.Equals(XForwardedMethod, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(XForwardedProto, StringComparison.OrdinalIgnoreCase) || name.Equals(XForwardedHost, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(XForwardedUri, StringComparison.OrdinalIgnoreCase) || name.Equals(XForwardedPort, StringComparison.OrdinalIgnoreCase);

    private static string? Trusted(HttpRequest request, string name, bool trust) =>
        trust && request.Headers[name].ToString() is { Length: > 0 } value ? value : null;

    private static string? ClientIp(IPAddress? address) =>
        address is null ? null : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
