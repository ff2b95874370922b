namespace Switchyard.DataPlane.Tracing;

/// <summary>
/// OpenTelemetry's rpc.service and rpc.method of a gRPC path (/package.Service/Method). The last path's split is kept:
/// a gRPC route serves the same few methods call after call, so a sampled call does not cut and allocate the same two
/// strings again. Immutable entries, so a race only splits twice.
/// </summary>
internal sealed record RpcNames(string Path, string Service, string Method)
{
    private static RpcNames? s_last;

    /// <summary>The names of <paramref name="path"/>, or null when it is not /Service/Method.</summary>
    public static RpcNames? Of(string? path)
    {
        if (path is null)
        {
            return null;
        }

        if (s_last is { } last && string.Equals(last.Path, path, StringComparison.Ordinal))
        {
            return last;
        }

        var slash = path.Length > 1 ? path.AsSpan(1).IndexOf('/') : -1;
        if (slash <= 0)
        {
            return null;
        }

        var names = new RpcNames(path, path.Substring(1, slash), path[(slash + 2)..]);
        s_last = names;
        return names;
    }
}
