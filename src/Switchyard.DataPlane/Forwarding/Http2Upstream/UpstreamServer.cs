using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>One backend server as the upstream path dials it, resolved when the table is built.</summary>
/// <param name="Pool">Its connections (kept across table swaps while the server and its transport stay).</param>
/// <param name="Authority">The :authority when passHostHeader is false (the server's <c>host:port</c>); null passes the client's Host.</param>
/// <remarks>The transport's dialTimeout is the pool's (<see cref="UpstreamOptions.DialTimeout"/>): one dial, shared by every call waiting for it.</remarks>
internal sealed record UpstreamServer(UpstreamPool Pool, string? Authority);

/// <summary>A failed upstream call as YARP reports its own (IForwarderErrorFeature), read by classification, retry and failover.</summary>
internal sealed class UpstreamForwarderError(ForwarderError error, Exception? exception) : IForwarderErrorFeature
{
    public ForwarderError Error { get; } = error;

    public Exception? Exception { get; } = exception;
}
