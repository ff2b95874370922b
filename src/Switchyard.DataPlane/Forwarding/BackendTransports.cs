using Switchyard.DataPlane.Middlewares;
using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// Hands out the HttpMessageInvoker (connection pool) for a ServersTransport + scheme. Invokers live in the
/// swap state under a key that includes a fingerprint of the transport's config: an unchanged transport keeps
/// its warm HTTP/2 connections across swaps; a changed one gets a fresh pool and the old one is disposed after
/// the calls that use it drain.
/// </summary>
public static class BackendTransports
{
    /// <summary>The swap-state key of a transport's pool.</summary>
    public static string Key(string transportId, ServersTransportConfig config, ServerScheme scheme) =>
        $"transport/{transportId}/{BackendServers.SchemeName(scheme)}/{Fingerprint(config)}";

    /// <summary>Get (or create) the invoker for the transport and scheme.</summary>
    public static HttpMessageInvoker GetInvoker(ISwapState state, string transportId, ServersTransportConfig config, ServerScheme scheme)
    {
        var h2c = scheme == ServerScheme.H2c;
        return state.GetOrAdd(Key(transportId, config, scheme),
            () => new WriteBehindInvoker(WithIdleCap(ServersTransportHandlerFactory.Create(config, h2c), config, h2c)));
    }

    /// <summary>A positive maxIdleConnsPerHost bounds idle HTTP/1.1 connections (see <see cref="IdleConnectionCap"/>).</summary>
    private static HttpMessageHandler WithIdleCap(SocketsHttpHandler handler, ServersTransportConfig config, bool h2c) =>
        config.MaxIdleConnsPerHost > 0 && !h2c ? new IdleConnectionCap(handler, config.MaxIdleConnsPerHost, config.DisableHttp2) : handler;

    /// <summary>Resolve a transport id of a table, falling back to "default" and then to Traefik's defaults.</summary>
    public static ServersTransportConfig Resolve(RoutingTable table, string transportId) =>
        table.ServersTransports.TryGetValue(transportId, out var config) ? config
        : table.ServersTransports.TryGetValue("default", out var fallback) ? fallback
        : ServersTransportConfig.Default;

    /// <summary>The transport's value identity (every field, key material included through its SHA-256).</summary>
    /// <remarks>
    /// Every service of a table asks for its transport's key, and most share one config instance (the default): 1 000
    /// routes serialized and hashed the same config 1 000 times while the first table was built (~3 % of the CPU
    /// until ready, perf). The config is immutable, so its fingerprint is kept with the instance.
    /// </remarks>
    public static string Fingerprint(ServersTransportConfig config) =>
        config.Equals(ServersTransportConfig.Default) ? DefaultFingerprint
        : Fingerprints.GetValue(config, static c => TableFingerprint.Compute(c)[..32]);

    /// <summary>
    /// <c>TableFingerprint.Compute(ServersTransportConfig.Default)[..32]</c>, written out: a table without a
    /// ServersTransport of its own (most) otherwise serialized the default once while its first table was built, and
    /// that first serialization builds System.Text.Json's reflection metadata of the transport types — 83–99 ms of
    /// CPU and ~320 methods jitted of the ~1.3 s until ready on 1 000 routes (trimmed form, loaded machine). Equal
    /// records serialize alike, so the key is the one the serializer gives; BackendTransportsTests holds the two equal.
    /// </summary>
    internal const string DefaultFingerprint = "3101F73F0018A6C27068AB8DDDE5FF32";

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ServersTransportConfig, string> Fingerprints = new();
}
