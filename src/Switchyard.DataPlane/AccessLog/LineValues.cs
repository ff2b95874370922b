using System.Net.Sockets;
using System.Security.Authentication;

namespace Switchyard.DataPlane.AccessLog;

/// <summary>Field values derived from a captured entry, shared by the line formats (writer thread only).</summary>
internal static class LineValues
{
    public static string ClientAddr(AccessLogEntry e) => e.ClientAddress is { } ip
        ? ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]:{e.ClientPort}" : $"{ip}:{e.ClientPort}"
        : "-";

    /// <summary>Traefik: the X-Forwarded-For header when the client sent one, else the remote address.</summary>
    public static string ClientHost(AccessLogEntry e) => e.ForwardedFor ?? e.ClientAddress?.ToString() ?? "-";

    public static long Nanoseconds(TimeSpan t) => t.Ticks * 100;

    public static TimeSpan Origin(AccessLogEntry e) => TimeSpan.FromTicks(e.OriginTicks * TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency);

    public static int Retries(AccessLogEntry e) => Math.Max(0, e.Attempts - 1);

    public static string RequestPath(AccessLogEntry e, AccessLogOptions options) =>
        options.KeepQueryParameters && e.Query.Length > 0 ? e.Path + e.Query : e.Path;

    /// <summary>Go's net.SplitHostPort, with Traefik's fallback: the whole value and "-" when there is no port.</summary>
    public static (string Host, string Port) SplitHostPort(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon < 0 || (value.StartsWith('[') && value.IndexOf(']', StringComparison.Ordinal) > colon))
        {
            return (value, "-");
        }

        var host = value[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        return (host, value[(colon + 1)..]);
    }

    public static string? ServiceAddr(AccessLogEntry e) =>
        e.ServiceUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Authority : null;

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

    /// <summary>"/package.Service/Method" → "package.Service" (gRPC and gRPC-Web share the path shape).</summary>
    public static string? GrpcService(AccessLogEntry e) => GrpcPath(e) is var (service, _) ? service : null;

    public static string? GrpcMethod(AccessLogEntry e) => GrpcPath(e) is var (_, method) ? method : null;

    private static (string Service, string Method)? GrpcPath(AccessLogEntry e)
    {
        if (e.GrpcProtocol == 0 || e.Path.Length < 4 || e.Path[0] != '/')
        {
            return null;
        }

        var slash = e.Path.IndexOf('/', 1);
        return slash > 1 && slash < e.Path.Length - 1 && e.Path.IndexOf('/', slash + 1) < 0
            ? (e.Path[1..slash], e.Path[(slash + 1)..])
            : null;
    }

    /// <summary>Traefik's toLogEntry with quotes: "value" (inner quotes escaped), or "-" quoted when empty.</summary>
    public static string Quoted(string? value) =>
        string.IsNullOrEmpty(value) ? "\"-\"" : "\"" + value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
