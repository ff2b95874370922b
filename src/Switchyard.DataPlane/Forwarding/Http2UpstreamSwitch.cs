namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// Whether h2c servers are forwarded to by Switchyard's own multiplexed HTTP/2 client
/// (<see cref="Http2Upstream.GrpcUpstreamForwarder"/>) instead of YARP's: the static config's
/// <c>dataPlane.http2Upstream</c> (a Switchyard key: Traefik has no such choice, so no Traefik manifest or option changes
/// meaning), overridden by the environment variable <see cref="EnvironmentVariable"/> (tests and benches force it).
/// Registered in the data plane's services; read at each table build.
/// </summary>
public sealed record Http2UpstreamSwitch(bool Configured)
{
    /// <summary>
    /// On unless configured off: every DataPlane, EndToEnd and Reliability test passes either way, and the own client
    /// costs about half the CPU and a tenth of the bytes per call of the YARP path. <c>http2Upstream: false</c> (or the
    /// environment variable) is the way back.
    /// </summary>
    public const bool Default = true;

    /// <summary><c>true</c>/<c>1</c>/<c>on</c> or <c>false</c>/<c>0</c>/<c>off</c>; anything else leaves the configured value.</summary>
    public const string EnvironmentVariable = "SWITCHYARD_HTTP2_UPSTREAM";

    /// <summary>The configured value unless the environment says otherwise.</summary>
    public static bool Resolve(bool configured)
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim();
        if (Is(value, "true", "1", "on", "yes"))
        {
            return true;
        }

        return !Is(value, "false", "0", "off", "no") && configured;
    }

    private static bool Is(string? value, params ReadOnlySpan<string> words)
    {
        foreach (var word in words)
        {
            if (string.Equals(value, word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The value in effect now.</summary>
    public bool Enabled => Resolve(Configured);
}
