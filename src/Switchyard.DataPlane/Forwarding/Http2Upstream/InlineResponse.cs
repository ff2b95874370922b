namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// <c>SWITCHYARD_UPSTREAM_INLINE_RESPONSE=true</c> (a tail-latency lever under measurement, issue 21 item 3): on a
/// connection with at most <see cref="UpstreamConnection.InlineStreams"/> open streams, a call whose response headers
/// arrive resumes on the read loop's thread once the rest of that read is parsed (its DATA and trailers are then in
/// the body pipe), instead of through a thread-pool work item and the wake-up of a worker it costs at low call rates.
/// The response copy then runs there until it would wait (a client whose output is backed up, a body still to come),
/// and the read loop goes on; with more streams open the call hops as before, so one call's work never delays the
/// frames of many others.
/// </summary>
internal static class InlineResponse
{
    public const string Variable = "SWITCHYARD_UPSTREAM_INLINE_RESPONSE";

    /// <summary>Read once: the switch is a process-wide experiment, not configuration.</summary>
    public static readonly bool Enabled =
        bool.TryParse(Environment.GetEnvironmentVariable(Variable)?.Trim(), out var on) && on;
}
