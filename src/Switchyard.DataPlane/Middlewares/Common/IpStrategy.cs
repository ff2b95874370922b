using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.Common;

/// <summary>
/// Traefik's ipStrategy: which address counts as "the client". <c>depth</c> &gt; 0 takes the depth-th entry
/// of X-Forwarded-For from the right; otherwise <c>excludedIPs</c> takes the right-most entry not excluded;
/// otherwise the socket's remote address. <c>ipv6Subnet</c> groups IPv6 clients by prefix.
/// An empty result means "unknown client" (Traefik returns "" too).
/// </summary>
public sealed class IpStrategy
{
    private readonly int _depth;
    private readonly IpRangeSet? _excluded;
    private readonly int? _ipv6Subnet;

    public IpStrategy(IpStrategyConfig? config)
    {
        _depth = Math.Max(0, config?.Depth ?? 0);
        _excluded = config is { ExcludedIps.IsDefaultOrEmpty: false } ? new IpRangeSet(config.ExcludedIps) : null;
        _ipv6Subnet = config?.Ipv6Subnet;
        if (_ipv6Subnet is < 0 or > 128)
        {
            throw new ArgumentException($"ipv6Subnet must be between 0 and 128, got {_ipv6Subnet}");
        }
    }

    /// <summary>True when the client is the socket peer (no header parsing, no allocation).</summary>
    public bool UsesRemoteAddress => _depth == 0 && _excluded is null;

    /// <summary>The client address, or null when it cannot be determined.</summary>
    public IPAddress? GetClientIp(HttpContext context)
    {
        if (UsesRemoteAddress)
        {
            var remote = context.Connection.RemoteIpAddress;
            return remote is null ? null : Mask(remote);
        }

        var text = GetForwardedEntry(context.Request.Headers["X-Forwarded-For"]);
        return text.Length > 0 && IPAddress.TryParse(text, out var ip) ? Mask(ip) : null;
    }

    private ReadOnlySpan<char> GetForwardedEntry(Microsoft.Extensions.Primitives.StringValues values)
    {
        // Several X-Forwarded-For lines are one list, in order.
        var joined = values.Count <= 1 ? values.ToString() : string.Join(',', values.ToArray());
        var span = joined.AsSpan();
        var seen = 0;
        while (true)
        {
            var comma = span.LastIndexOf(',');
            var entry = (comma < 0 ? span : span[(comma + 1)..]).Trim();
            seen++;
            if (_depth > 0)
            {
                if (seen == _depth)
                {
                    return entry;
                }
            }
            else if (entry.Length > 0 && !_excluded!.Contains(entry))
            {
                return entry;
            }

            if (comma < 0)
            {
                break;
            }

            span = span[..comma];
        }

        return ReadOnlySpan<char>.Empty;
    }

    private IPAddress Mask(IPAddress ip)
    {
        if (_ipv6Subnet is not { } bits || ip.AddressFamily != AddressFamily.InterNetworkV6 || ip.IsIPv4MappedToIPv6)
        {
            return ip;
        }

        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out _);
        for (var i = 0; i < 16; i++)
        {
            var keep = Math.Clamp(bits - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
