using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.DataPlane.Middlewares.Common;

namespace Switchyard.DataPlane.Pipeline;

/// <summary>
/// The entry point's forwarded-headers step, run on every request before routing (Traefik's
/// <c>pkg/middlewares/forwardedheaders</c>): X-Forwarded-* / X-Real-Ip from a peer that is not trusted are
/// removed (also their underscore spellings, which Kestrel keeps as distinct names), then the missing ones are set
/// from the connection. Middlewares run after it and may change them; the forwarder sends what they left and only
/// appends the peer to X-Forwarded-For (<see cref="Forwarding.ForwardingTransformer"/>).
/// </summary>
public sealed class ForwardedHeaders
{
    public const string XForwardedFor = "X-Forwarded-For";
    public const string XForwardedProto = "X-Forwarded-Proto";
    public const string XForwardedHost = "X-Forwarded-Host";
    public const string XForwardedPort = "X-Forwarded-Port";
    public const string XForwardedServer = "X-Forwarded-Server";
    public const string XForwardedScheme = "X-Forwarded-Scheme";
    public const string XScheme = "X-Scheme";
    public const string XRealIp = "X-Real-Ip";

    // The headers Traefik manages: what an untrusted peer sent under these names never reaches a middleware.
    private static readonly string[] Managed =
    [
        XForwardedProto, XForwardedScheme, XForwardedFor, XForwardedHost, XForwardedPort, XForwardedServer,
        "X-Forwarded-Uri", "X-Forwarded-Method", "X-Forwarded-Prefix", "X-Forwarded-Tls-Client-Cert",
        "X-Forwarded-Tls-Client-Cert-Info", XScheme, XRealIp,
    ];

    private static readonly StringValues Http = "http";
    private static readonly StringValues Https = "https";
    private static readonly StringValues Ws = "ws";
    private static readonly StringValues Wss = "wss";
    private static readonly StringValues Port80 = "80";
    private static readonly StringValues Port443 = "443";

    [ThreadStatic] private static IPAddress? t_lastAddress;
    [ThreadStatic] private static string? t_lastAddressText;

    private readonly bool _insecure;
    private readonly IpRangeSet? _trusted;
    private readonly bool _notAppendXForwardedFor;
    private readonly bool _addSchemeHeaders;
    private readonly StringValues _hostname;

    private ForwardedHeaders(ForwardedHeadersOptions options)
    {
        _insecure = options.Insecure;
        _trusted = options.TrustedIPs.IsDefaultOrEmpty ? null : new IpRangeSet(options.TrustedIPs);
        _notAppendXForwardedFor = options.NotAppendXForwardedFor;
        _addSchemeHeaders = options.AddXForwardedSchemeHeaders;
        _hostname = HostName();
    }

    /// <summary>Build the step of one entry point.</summary>
    public static ForwardedHeaders Create(ForwardedHeadersOptions? options) => new(options ?? ForwardedHeadersOptions.Default);

    /// <summary>Whether the peer's own forwarded headers are kept.</summary>
    public bool Trusts(IPAddress? peer) => _insecure || (peer is not null && _trusted is not null && _trusted.Contains(peer));

    public void Apply(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers;
        var peer = context.Connection.RemoteIpAddress;
        if (!Trusts(peer))
        {
            RemoveManaged(headers);
        }

        if (peer is not null && IsEmpty(headers[XRealIp]))
        {
            headers[XRealIp] = AddressText(peer);
        }

        var proto = headers[XForwardedProto];
        if (IsEmpty(proto))
        {
            proto = IsWebSocket(headers) ? (request.IsHttps ? Wss : Ws) : (request.IsHttps ? Https : Http);
            headers[XForwardedProto] = proto;
        }

        if (IsEmpty(headers[XForwardedPort]))
        {
            headers[XForwardedPort] = Port(request, proto[0]);
        }

        if (_addSchemeHeaders)
        {
            headers[XForwardedScheme] = proto[0];
            headers[XScheme] = proto[0];
        }

        if (IsEmpty(headers[XForwardedHost]) && request.Host.HasValue)
        {
            headers[XForwardedHost] = headers.Host;
        }

        // Several X-Forwarded-For lines are one list, in order: fold them as Traefik does.
        var forwardedFor = headers[XForwardedFor];
        if (forwardedFor.Count > 1)
        {
            headers[XForwardedFor] = string.Join(", ", forwardedFor.ToArray());
        }

        headers[XForwardedServer] = _hostname;
        if (_notAppendXForwardedFor)
        {
            context.Features.Set(NotAppendXForwardedFor.Instance);
        }
    }

    /// <summary>The text the forwarder appends to X-Forwarded-For (IPv4-mapped addresses as IPv4).</summary>
    public static string AddressText(IPAddress address)
    {
        // Kestrel hands out the same IPAddress instance for every request of a connection: remember the last text.
        if (!ReferenceEquals(address, t_lastAddress))
        {
            t_lastAddressText = (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
            t_lastAddress = address;
        }

        return t_lastAddressText!;
    }

    private static void RemoveManaged(IHeaderDictionary headers)
    {
        foreach (var name in Managed)
        {
            headers.Remove(name);
        }

        // X_Forwarded_For and friends: a backend may read them as the dashed name, so they go too. Only a
        // request carrying an underscore X- header pays for the list.
        List<string>? underscored = null;
        foreach (var (key, _) in headers)
        {
            if (key.Length > 1 && (key[0] == 'X' || key[0] == 'x') && key.Contains('_', StringComparison.Ordinal) && IsManaged(key))
            {
                (underscored ??= []).Add(key);
            }
        }

        if (underscored is not null)
        {
            foreach (var key in underscored)
            {
                headers.Remove(key);
            }
        }
    }

    private static bool IsManaged(string underscored)
    {
        var dashed = underscored.Replace('_', '-');
        return Array.Exists(Managed, name => string.Equals(name, dashed, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsEmpty(StringValues values) => values.Count == 0 || string.IsNullOrEmpty(values[0]);

    private static bool IsWebSocket(IHeaderDictionary headers) =>
        ContainsToken(headers.Connection, "upgrade") && ContainsToken(headers.Upgrade, "websocket");

    private static bool ContainsToken(StringValues values, string token)
    {
        if (values.Count == 0)
        {
            return false;
        }

        foreach (var part in (values[0] ?? "").AsSpan().Split(','))
        {
            if (values[0].AsSpan()[part].Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // Traefik: the Host's port, else 443 for https/wss (or a TLS connection), else 80.
    private static StringValues Port(HttpRequest request, string? proto)
    {
        if (request.Host.Port is { } port)
        {
            return PortText(port);
        }

        return proto is "https" or "wss" || request.IsHttps ? Port443 : Port80;
    }

    [ThreadStatic] private static int t_lastPort;
    [ThreadStatic] private static string? t_lastPortText;

    private static string PortText(int port)
    {
        if (port != t_lastPort || t_lastPortText is null)
        {
            t_lastPortText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            t_lastPort = port;
        }

        return t_lastPortText;
    }

    private static string HostName()
    {
        try
        {
            return Dns.GetHostName();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return "localhost";
        }
    }
}

/// <summary>Set on a request of an entry point with <c>notAppendXForwardedFor</c>: the forwarder leaves X-Forwarded-For as it is.</summary>
public sealed class NotAppendXForwardedFor
{
    public static readonly NotAppendXForwardedFor Instance = new();

    private NotAppendXForwardedFor()
    {
    }
}
