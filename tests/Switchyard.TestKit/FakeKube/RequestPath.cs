namespace Switchyard.TestKit.FakeKube;

/// <summary>
/// A parsed resource URL: <c>/api/v1/[namespaces/{ns}/]{plural}[/{name}[/{subresource}]]</c> or the same under
/// <c>/apis/{group}/{version}</c>.
/// </summary>
public sealed record RequestPath(string Group, string Version, string? Namespace, string Plural, string? Name, string? Subresource)
{
    public static RequestPath? Parse(string path)
    {
        var segs = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        int rest;
        string group, version;
        if (segs.Length >= 3 && segs[0] == "api")
        {
            (group, version, rest) = ("", segs[1], 2);
        }
        else if (segs.Length >= 4 && segs[0] == "apis")
        {
            (group, version, rest) = (segs[1], segs[2], 3);
        }
        else
        {
            return null;
        }

        var tail = segs[rest..];
        if (tail[0] == "namespaces" && tail.Length >= 3)
        {
            return new(group, version, tail[1], tail[2], tail.Length > 3 ? tail[3] : null, tail.Length > 4 ? tail[4] : null);
        }

        return new(group, version, null, tail[0], tail.Length > 1 ? tail[1] : null, tail.Length > 2 ? tail[2] : null);
    }
}
