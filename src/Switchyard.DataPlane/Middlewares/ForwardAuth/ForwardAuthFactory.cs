using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.DataPlane.Forwarding;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.ForwardAuth;

/// <summary>
/// Builds forwardAuth. The HttpClient (one SocketsHttpHandler pool) lives in the swap state under the
/// middleware id and a fingerprint of its transport, so an unchanged middleware keeps warm connections to the
/// auth server across table swaps.
/// </summary>
public sealed class ForwardAuthFactory : IMiddlewareFactory
{
    /// <summary>Traefik's forwardAuth client gives up after 30 s.</summary>
    private static readonly TimeSpan AuthTimeout = TimeSpan.FromSeconds(30);

    public Type ConfigType => typeof(ForwardAuthConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (ForwardAuthConfig)config;
        if (!Uri.TryCreate(c.Address, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"forwardAuth: address '{c.Address}' is not an absolute http(s) URL");
        }

        ServersTransportConfig transport;
        if (c.ServersTransport is { } transportId)
        {
            if (!context.Table.ServersTransports.TryGetValue(transportId, out var found))
            {
                throw new ArgumentException($"forwardAuth: the tls transport '{transportId}' is missing from the table");
            }

            transport = found;
        }
        else
        {
            transport = ServersTransportConfig.Default;
        }

        var regex = c.AuthResponseHeadersRegex?.Regex;

        var client = context.State.GetOrAdd($"forwardAuth/{id}/{BackendTransports.Fingerprint(transport)}", () =>
            new HttpClient(ServersTransportHandlerFactory.Create(transport, http2Only: false), disposeHandler: true) { Timeout = AuthTimeout });
        var logger = (ILogger?)context.Services.GetService<ILoggerFactory>()?.CreateLogger<ForwardAuthMiddleware>() ?? NullLogger.Instance;
        var options = new ForwardAuthOptions(
            id,
            address,
            c.TrustForwardHeader,
            c.AuthResponseHeaders.IsDefaultOrEmpty ? [] : [.. c.AuthResponseHeaders],
            regex,
            c.AuthRequestHeaders.IsDefaultOrEmpty ? null : new HashSet<string>(c.AuthRequestHeaders, StringComparer.OrdinalIgnoreCase),
            c.ForwardBody,
            c.MaxBodySize,
            c.PreserveLocationHeader,
            c.AddAuthCookiesToResponse.IsDefaultOrEmpty ? null : new HashSet<string>(c.AddAuthCookiesToResponse, StringComparer.Ordinal))
        {
            HeaderField = c.HeaderField,
            PreserveRequestMethod = c.PreserveRequestMethod,
            AuthSigninUrl = c.AuthSigninUrl,
            MaxResponseBodySize = c.MaxResponseBodySize,
        };
        return new ForwardAuthMiddleware(options, client, logger);
    }
}

/// <summary>forwardAuth's config, resolved once per table.</summary>
/// <param name="AuthRequestHeaders">Null: every request header goes to the auth server.</param>
/// <param name="AuthCookies">Null: no cookie is copied to the response.</param>
public sealed record ForwardAuthOptions(
    string Id,
    Uri Address,
    bool TrustForwardHeader,
    string[] AuthResponseHeaders,
    Regex? AuthResponseHeadersRegex,
    HashSet<string>? AuthRequestHeaders,
    bool ForwardBody,
    long MaxBodySize,
    bool PreserveLocationHeader,
    HashSet<string>? AuthCookies)
{
    /// <inheritdoc cref="ForwardAuthConfig.HeaderField"/>
    public string? HeaderField { get; init; }

    /// <inheritdoc cref="ForwardAuthConfig.PreserveRequestMethod"/>
    public bool PreserveRequestMethod { get; init; }

    /// <inheritdoc cref="ForwardAuthConfig.AuthSigninUrl"/>
    public string? AuthSigninUrl { get; init; }

    /// <inheritdoc cref="ForwardAuthConfig.MaxResponseBodySize"/>
    public long MaxResponseBodySize { get; init; } = -1;
}
