namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>Closing a connection from outside: its pool left the routing table (the swap state released it).</summary>
internal sealed partial class UpstreamConnection
{
    /// <summary>Fails the streams still open (none once the old table's calls drained) and closes the socket.</summary>
    public void Close() => Die(new UpstreamException("the backend's connection pool was closed"));
}
