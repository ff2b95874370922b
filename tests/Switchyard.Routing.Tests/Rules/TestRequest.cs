using System.Net;
using Switchyard.Routing.Rules;

namespace Switchyard.Routing.Tests.Rules;

/// <summary>An in-memory request for matcher tests: headers case-insensitive, query parsed like Go's url.Query().</summary>
public sealed record TestRequest : IRequestFacts
{
    public string Method { get; init; } = "GET";

    public string Host { get; init; } = "example.com";

    public string Path { get; init; } = "/";

    public IPAddress? ClientAddress { get; init; } = IPAddress.Loopback;

    public bool IsTls { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Raw query string without '?', e.g. <c>q=traefik&amp;mobile</c>.</summary>
    public string Query { get; init; } = "";

    public bool AnyHeaderValue(string name, Func<string, bool> predicate)
    {
        // Indexed loop: enumerating an IReadOnlyList boxes an enumerator, which the allocation test would see.
        for (var i = 0; i < Headers.Count; i++)
        {
            var (key, value) = Headers[i];
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase) && predicate(value))
            {
                return true;
            }
        }
        return false;
    }

    public bool AnyQueryValue(string name, Func<string, bool> predicate)
    {
        if (Query.Length == 0)
        {
            return false;
        }
        foreach (var pair in Query.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }
            var eq = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (key == name && predicate(value))
            {
                return true;
            }
        }
        return false;
    }

    public static TestRequest For(string host = "example.com", string path = "/", string method = "GET") =>
        new() { Host = host, Path = path, Method = method };

    public TestRequest WithHeader(string name, string value) => this with { Headers = [.. Headers, new(name, value)] };
}
