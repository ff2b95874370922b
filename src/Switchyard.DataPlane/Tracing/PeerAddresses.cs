using System.Net;

namespace Switchyard.DataPlane.Tracing;

/// <summary>
/// The text of a caller's address for network.peer.address / client.address (an IPv4-mapped IPv6 address as IPv4, as
/// Go prints it). The last one is kept: calls come from few addresses (a load balancer's nodes, a client's connection
/// sends many calls), so a sampled call does not format and allocate the same text again. Immutable entries, so a race
/// only formats twice.
/// </summary>
internal static class PeerAddresses
{
    private static Entry? s_last;

    public static string Text(IPAddress peer)
    {
        if (s_last is { } last && last.Address.Equals(peer))
        {
            return last.Text;
        }

        var text = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4().ToString() : peer.ToString();
        s_last = new Entry(peer, text);
        return text;
    }

    private sealed record Entry(IPAddress Address, string Text);
}
