using System.Net;

namespace Switchyard.Routing.Tcp;

/// <summary>
/// What a TCP router can see of a connection before choosing (Traefik's <c>tcpmuxer.ConnData</c>): the SNI of the
/// ClientHello (canonical: lower case, no trailing dot; empty for a non-TLS connection), the client address (after
/// PROXY protocol, when the entry point trusts it) and the ALPN protocols offered.
/// </summary>
public readonly record struct TcpConnectionInfo(string ServerName, IPAddress? RemoteIp, IReadOnlyList<string> AlpnProtocols)
{
    /// <summary>Traefik's types.CanonicalDomain: trimmed, lower case, trailing dot removed.</summary>
    public static string CanonicalServerName(string? serverName) =>
        string.IsNullOrEmpty(serverName) ? "" : serverName.Trim().TrimEnd('.').ToLowerInvariant();
}
