using System.Text;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>HPACK's static table (RFC 7541 Appendix A), 1-based in the protocol, 0-based here.</summary>
internal static class StaticTable
{
    public static readonly (string Name, string Value)[] Entries =
    [
        (":authority", ""), (":method", "GET"), (":method", "POST"), (":path", "/"), (":path", "/index.html"),
        (":scheme", "http"), (":scheme", "https"), (":status", "200"), (":status", "204"), (":status", "206"),
        (":status", "304"), (":status", "400"), (":status", "404"), (":status", "500"), ("accept-charset", ""),
        ("accept-encoding", "gzip, deflate"), ("accept-language", ""), ("accept-ranges", ""), ("accept", ""),
        ("access-control-allow-origin", ""), ("age", ""), ("allow", ""), ("authorization", ""),
        ("cache-control", ""), ("content-disposition", ""), ("content-encoding", ""), ("content-language", ""),
        ("content-length", ""), ("content-location", ""), ("content-range", ""), ("content-type", ""),
        ("cookie", ""), ("date", ""), ("etag", ""), ("expect", ""), ("expires", ""), ("from", ""), ("host", ""),
        ("if-match", ""), ("if-modified-since", ""), ("if-none-match", ""), ("if-range", ""),
        ("if-unmodified-since", ""), ("last-modified", ""), ("link", ""), ("location", ""), ("max-forwards", ""),
        ("proxy-authenticate", ""), ("proxy-authorization", ""), ("range", ""), ("referer", ""), ("refresh", ""),
        ("retry-after", ""), ("server", ""), ("set-cookie", ""), ("strict-transport-security", ""),
        ("transfer-encoding", ""), ("user-agent", ""), ("vary", ""), ("via", ""), ("www-authenticate", ""),
    ];
}

/// <summary>
/// Interned strings for fields a gRPC backend sends as literals on every response when it does not index them:
/// the lookup turns those bytes into a shared string instead of a new one per call.
/// </summary>
internal static class KnownNames
{
    private static readonly string[] Names =
    [
        "content-type", "grpc-status", "grpc-message", "grpc-encoding", "grpc-accept-encoding", "date", "server",
        "content-length", "grpc-status-details-bin", "te", "trailers",
    ];

    private static readonly byte[][] Bytes = Names.Select(Encoding.ASCII.GetBytes).ToArray();

    public static string? Get(ReadOnlySpan<byte> raw) => Find(raw, Names, Bytes);

    internal static string? Find(ReadOnlySpan<byte> raw, string[] strings, byte[][] bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (raw.SequenceEqual(bytes[i]))
            {
                return strings[i];
            }
        }

        return null;
    }
}

internal static class KnownValues
{
    private static readonly string[] Values = ["0", "application/grpc", "identity", "gzip", "200", "Kestrel", "trailers"];
    private static readonly byte[][] Bytes = Values.Select(Encoding.ASCII.GetBytes).ToArray();

    public static string? Get(ReadOnlySpan<byte> raw) => raw.Length > 24 ? null : KnownNames.Find(raw, Values, Bytes);
}
