using System.Globalization;
using Switchyard.Model.GatewayApi;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.GatewayApi;

/// <summary>
/// HTTPRoute <c>rules[].timeouts</c> (GEP-1742) → a <see cref="RouteTimeoutsConfig"/>: <c>request</c> bounds the whole
/// call, <c>backendRequest</c> each attempt at a backend (Envoy Gateway's route timeout and per-try timeout); "0s"
/// disables one, an absent one sets none (no timeout the user did not ask for). Traefik's kubernetesGateway provider
/// reads neither (pkg/provider/kubernetes/gateway/httproute.go). A value that is not a Gateway API Duration, or a
/// backendRequest longer than request (the CRD's own rule), is refused: the rule answers 500 and the route says why.
/// </summary>
internal static class GatewayTimeouts
{
    /// <summary>The rule's timeouts: null when none applies, or when invalid (then <paramref name="error"/> says why).</summary>
    public static RouteTimeoutsConfig? Resolve(HttpRouteTimeouts? timeouts, out string? error)
    {
        error = null;
        if (timeouts is null)
        {
            return null;
        }

        var request = TimeSpan.Zero;
        var backend = TimeSpan.Zero;
        if (timeouts.Request is { } r && !TryParse(r, out request))
        {
            error = $"timeouts.request \"{r}\" is not a Gateway API duration (e.g. 500ms, 10s, 1h30m)";
            return null;
        }

        if (timeouts.BackendRequest is { } b && !TryParse(b, out backend))
        {
            error = $"timeouts.backendRequest \"{b}\" is not a Gateway API duration (e.g. 500ms, 10s, 1h30m)";
            return null;
        }

        if (request > TimeSpan.Zero && backend > request)
        {
            error = $"timeouts.backendRequest ({timeouts.BackendRequest}) is longer than timeouts.request ({timeouts.Request})";
            return null;
        }

        return request == TimeSpan.Zero && backend == TimeSpan.Zero ? null : new RouteTimeoutsConfig(request, backend);
    }

    /// <summary>
    /// A Gateway API Duration (GEP-2257, <c>^([0-9]{1,5}(h|m|s|ms)){1,4}$</c>): one to four numbers of up to five
    /// digits, each with its unit.
    /// </summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var parts = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || i - start > 5 || i == text.Length || ++parts > 4)
            {
                return false;
            }

            var amount = long.Parse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture);
            switch (text[i])
            {
                case 'h': value += TimeSpan.FromHours(amount); i++; break;
                case 'm' when i + 1 < text.Length && text[i + 1] == 's': value += TimeSpan.FromMilliseconds(amount); i += 2; break;
                case 'm': value += TimeSpan.FromMinutes(amount); i++; break;
                case 's': value += TimeSpan.FromSeconds(amount); i++; break;
                default: return false;
            }
        }

        return parts > 0;
    }
}
