namespace Switchyard.Routing.Compiler;

/// <summary>
/// Traefik's names of TLS versions and cipher suites (pkg/tls/cipher.go: MinVersion, MaxVersion, CipherSuites), shared by
/// TLSOption (incoming) and ServersTransport (towards backends) so both accept and refuse the same names.
/// </summary>
internal static class TlsNames
{
    public static readonly IReadOnlyList<string> Versions = ["VersionTLS10", "VersionTLS11", "VersionTLS12", "VersionTLS13"];

    public static bool IsVersion(string? name) => name is not null && Versions.Contains(name);

    /// <summary>Rank of a version name (0 = TLS 1.0); -1 when not a version.</summary>
    public static int Rank(string? name) => name is null ? -1 : Versions.ToList().IndexOf(name);

    /// <summary>The .NET <see cref="System.Net.Security.TlsCipherSuite"/> name of a Go cipher suite name, or null when it is none.</summary>
    public static string? CipherSuite(string? name)
    {
        if (string.IsNullOrEmpty(name) || !char.IsAsciiLetter(name[0]))
        {
            return null;
        }

        // Go also accepts the ChaCha20 suites without their _SHA256 suffix (the names before Go 1.16).
        var canonical = name.EndsWith("_CHACHA20_POLY1305", StringComparison.Ordinal) ? name + "_SHA256" : name;
        return Enum.TryParse<System.Net.Security.TlsCipherSuite>(canonical, ignoreCase: false, out _) ? canonical : null;
    }
}
