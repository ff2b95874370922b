namespace Switchyard.Routing.Compiler.GatewayApi;

/// <summary>
/// Listener isolation (Gateway API GEP-1713, conformance GatewayHTTPListenerIsolation): a request goes to the listener
/// of the Gateway whose hostname matches it most specifically, so a route attached to a broader listener (no hostname,
/// or <c>*.example.com</c>) must not take the requests of a more specific listener on the same port
/// (<c>*.foo.example.com</c>, <c>abc.foo.example.com</c>), even where the route's own hostnames would. Traefik's provider
/// does not do this (its features.go does not claim the feature); here each router of the broader listener excludes
/// the more specific listeners' hostnames.
/// </summary>
internal static class ListenerIsolation
{
    /// <summary>
    /// The hostnames of the other programmed listeners of <paramref name="gateway"/> on <paramref name="listener"/>'s port
    /// that are more specific than it and overlap <paramref name="hostnames"/> (the router's, empty = any host).
    /// </summary>
    public static IReadOnlyList<string> Excluded(ResolvedGateway gateway, ResolvedListener listener, IReadOnlyList<string> hostnames)
    {
        List<string>? excluded = null;
        foreach (var other in gateway.Listeners)
        {
            if (ReferenceEquals(other, listener) || !other.Attached || other.Spec.Port != listener.Spec.Port ||
                other.Spec.Hostname is not { Length: > 0 } narrow || !MoreSpecific(listener.Spec.Hostname, narrow) ||
                GatewayApiProcessor.Hostnames(narrow, hostnames) is null)
            {
                continue;
            }

            excluded ??= [];
            if (!excluded.Contains(narrow, StringComparer.OrdinalIgnoreCase))
            {
                excluded.Add(narrow);
            }
        }

        return excluded ?? (IReadOnlyList<string>)[];
    }

    /// <summary>
    /// Whether every host <paramref name="narrow"/> matches is also matched by <paramref name="broad"/>, which is not the
    /// same name: no hostname matches all; <c>*.example.com</c> covers <c>a.example.com</c> and <c>*.foo.example.com</c>.
    /// </summary>
    internal static bool MoreSpecific(string? broad, string narrow)
    {
        if (string.IsNullOrEmpty(broad))
        {
            return true;
        }

        return !string.Equals(broad, narrow, StringComparison.OrdinalIgnoreCase) && broad.StartsWith("*.", StringComparison.Ordinal) &&
            narrow.Length > broad.Length - 1 && narrow.EndsWith(broad[1..], StringComparison.OrdinalIgnoreCase);
    }
}
