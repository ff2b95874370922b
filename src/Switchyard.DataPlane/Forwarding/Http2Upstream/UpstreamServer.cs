using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>One backend server as the upstream path dials it, resolved when the table is built.</summary>
/// <param name="Pool">Its connections (kept across table swaps while the server and its transport stay).</param>
/// <param name="Authority">The :authority when passHostHeader is false (the server's <c>host:port</c>); null passes the client's Host.</param>
/// <param name="DialTimeout">The transport's dialTimeout; zero = none.</param>
internal sealed record UpstreamServer(UpstreamPool Pool, string? Authority, TimeSpan DialTimeout);

/// <summary>A failed upstream call as YARP reports its own (IForwarderErrorFeature), read by classification, retry and failover.</summary>
internal sealed class UpstreamForwarderError(ForwarderError error, Exception? exception) : IForwarderErrorFeature
{
    public ForwarderError Error { get; } = error;

    public Exception? Exception { get; } = exception;
}
