using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Switchyard.DataPlane.EntryPoints;

/// <summary>
/// Kestrel's limits for one entry point. Memory under load is not decided here: Kestrel's buffers hold only bytes
/// in flight (its 4 KiB pinned blocks were ~2.4 MB of a 165 MB process under 512 unary streams, README
/// "Performance"), and the HTTP/2 windows bound what a client may send ahead, not what is allocated, so they stay
/// large for streamed messages.
/// </summary>
internal static class EntryPointLimits
{
    /// <summary>Kestrel limits chosen so that nothing but an explicit deadline cuts a long gRPC stream.</summary>
    public static void Apply(KestrelServerLimits limits, EntryPointOptions options)
    {
        // A client stream that sends one small message every few seconds is legitimate: no minimum data rates.
        limits.MinRequestBodyDataRate = null;
        limits.MinResponseDataRate = null;
        limits.MaxRequestBodySize = null;
        limits.MaxConcurrentConnections = null;
        limits.MaxConcurrentUpgradedConnections = null;
        // Applies only while no request / stream is open on the connection.
        limits.KeepAliveTimeout = options.IdleTimeout;
        // Applies only while headers are being received (HTTP/1.1; HTTP/2 header blocks: Http2HeaderTimeout).
        limits.RequestHeadersTimeout = options.ReadHeaderTimeout;
        limits.Http2.MaxStreamsPerConnection = options.MaxConcurrentStreams;
        limits.Http2.InitialStreamWindowSize = options.InitialStreamWindowSize;
        limits.Http2.InitialConnectionWindowSize = Math.Max(options.InitialConnectionWindowSize, options.InitialStreamWindowSize);
        limits.Http2.KeepAlivePingDelay = options.KeepAlivePingDelay ?? TimeSpan.MaxValue;
        limits.Http2.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
        if (options.MaxHeaderBytes is { } maxHeaderBytes)
        {
            // Traefik's maxHeaderBytes bounds the whole header block; one HTTP/2 field can be no larger.
            limits.MaxRequestHeadersTotalSize = maxHeaderBytes;
            limits.Http2.MaxRequestHeaderFieldSize = maxHeaderBytes;
        }
    }
}
