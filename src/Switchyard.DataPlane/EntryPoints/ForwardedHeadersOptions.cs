using System.Collections.Immutable;

namespace Switchyard.DataPlane.EntryPoints;

/// <summary>
/// An entry point's <c>forwardedHeaders</c> (Traefik's static keys). X-Forwarded-* and X-Real-Ip sent by a peer
/// are kept only when the peer is in <see cref="TrustedIPs"/> or <see cref="Insecure"/> is on; otherwise they are
/// removed before routing and the entry point sets its own.
/// </summary>
public sealed record ForwardedHeadersOptions
{
    public static readonly ForwardedHeadersOptions Default = new();

    /// <summary>Trust every peer's forwarded headers.</summary>
    public bool Insecure { get; init; }

    /// <summary>Peers whose forwarded headers are kept and appended to (parsed by the static config loader with IpRanges).</summary>
    public ImmutableArray<System.Net.IPNetwork> TrustedIPs { get; init; } = [];

    /// <summary>Do not append the peer's address to X-Forwarded-For when forwarding.</summary>
    public bool NotAppendXForwardedFor { get; init; }

    /// <summary>Also set X-Forwarded-Scheme and X-Scheme to the X-Forwarded-Proto value.</summary>
    public bool AddXForwardedSchemeHeaders { get; init; }
}
