using System.Text.Json;

namespace Switchyard.Routing.Table;

/// <summary>
/// The value identity of a table (or of any part of one, e.g. a ServersTransport that keys a connection pool):
/// SHA-256 over its JSON form in which every <see cref="SecretText"/> is written as its own SHA-256 instead of
/// being redacted. Two tables with the same fingerprint serve the same way; a table that differs only in a
/// Secret's content has a different one. Matchers are compiled from the rule text, which is hashed.
/// </summary>
public static class TableFingerprint
{
    private static readonly JsonSerializerOptions Options = RoutingTableJson.CreateOptions(new SecretText.DigestConverter());

    /// <summary>Upper-case hex SHA-256. The JSON is streamed into the hash, never held (8 MB at 10 000 routes).</summary>
    public static string Compute<T>(T value)
    {
        using var hash = new HashingStream();
        JsonSerializer.Serialize(hash, value, Options);
        return hash.HexDigest();
    }
}
