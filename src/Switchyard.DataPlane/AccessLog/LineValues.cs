using System.Security.Authentication;

namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// Field values derived from a captured entry, shared by the line formats (writer thread only). Text is appended
/// to a <see cref="LineText"/> or returned as a slice of the captured strings: a line allocates no strings.
/// </summary>
internal static class LineValues
{
    /// <summary>Traefik: the X-Forwarded-For header when the client sent one, else the remote address.</summary>
    public static LineText ClientHost(AccessLogEntry e, LineText t) =>
        e.ForwardedFor is { } forwarded ? t.Append(forwarded) : e.ClientAddress is { } ip ? t.Append(ip) : t.Append('-');

    public static long Nanoseconds(TimeSpan t) => t.Ticks * 100;

    public static TimeSpan Origin(AccessLogEntry e) => TimeSpan.FromTicks(e.OriginTicks * TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency);

    public static int Retries(AccessLogEntry e) => Math.Max(0, e.Attempts - 1);

    public static LineText RequestPath(AccessLogEntry e, AccessLogOptions options, LineText t) =>
        options.KeepQueryParameters && e.Query.Length > 0 ? t.Append(e.Path).Append(e.Query) : t.Append(e.Path);

    /// <summary>The host of Go's net.SplitHostPort, with Traefik's fallback: the whole value when there is no port.</summary>
    public static ReadOnlySpan<char> HostOf(string value)
    {
        if (PortColon(value) is not { } colon)
        {
            return value;
        }

        var host = value.AsSpan(0, colon);
        return host is ['[', .. var inner, ']'] ? inner : host;
    }

    /// <summary>The port of Go's net.SplitHostPort, with Traefik's fallback: "-" when there is none.</summary>
    public static ReadOnlySpan<char> PortOf(string value) => PortColon(value) is { } colon ? value.AsSpan(colon + 1) : "-";

    private static int? PortColon(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon < 0 || (value.StartsWith('[') && value.IndexOf(']', StringComparison.Ordinal) > colon) ? null : colon;
    }

    public static string TlsVersion(SslProtocols protocol) => protocol switch
    {
#pragma warning disable SYSLIB0039 // naming old versions is not using them
        SslProtocols.Tls => "1.0",
        SslProtocols.Tls11 => "1.1",
#pragma warning restore SYSLIB0039
        SslProtocols.Tls12 => "1.2",
        SslProtocols.Tls13 => "1.3",
        _ => "unknown",
    };

    public static bool HasGrpcStatus(AccessLogEntry e) => e.GrpcProtocol != 0 && e.GrpcStatus is >= 0 and <= 16;

    /// <summary>"/package.Service/Method" → "package.Service" and "Method" (gRPC and gRPC-Web share the path shape).</summary>
    public static bool GrpcPath(AccessLogEntry e, out ReadOnlySpan<char> service, out ReadOnlySpan<char> method)
    {
        service = method = default;
        var path = e.Path;
        if (e.GrpcProtocol == 0 || path.Length < 4 || path[0] != '/')
        {
            return false;
        }

        var slash = path.IndexOf('/', 1);
        if (slash <= 1 || slash >= path.Length - 1 || path.IndexOf('/', slash + 1) >= 0)
        {
            return false;
        }

        service = path.AsSpan(1, slash - 1);
        method = path.AsSpan(slash + 1);
        return true;
    }

    /// <summary>Traefik's toLogEntry with quotes: "value" (inner quotes escaped), or "-" quoted when empty.</summary>
    public static LineText Quoted(string? value, LineText t)
    {
        if (string.IsNullOrEmpty(value))
        {
            return t.Append("\"-\"");
        }

        t.Append('"');
        var rest = value.AsSpan();
        for (var quote = rest.IndexOf('"'); quote >= 0; quote = rest.IndexOf('"'))
        {
            t.Append(rest[..quote]).Append("\\\"");
            rest = rest[(quote + 1)..];
        }

        return t.Append(rest).Append('"');
    }
}
