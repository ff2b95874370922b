using System.Net;

namespace Switchyard.Routing.Rules;

/// <summary>
/// What a rule matcher may ask of a request. The data plane implements this over its HTTP request without
/// allocating; Routing never sees ASP.NET Core types. Predicates passed in are created once when a rule is
/// compiled, never per request.
/// </summary>
public interface IRequestFacts
{
    /// <summary>HTTP method, upper case (GET, POST, ...).</summary>
    string Method { get; }

    /// <summary>Request host without port, as sent (Host header or :authority); case is not normalised.</summary>
    string Host { get; }

    /// <summary>Request path, percent-decoded the way the server decoded it, always starting with '/'.</summary>
    string Path { get; }

    /// <summary>The socket's remote address (ClientIP matches on this, never on X-Forwarded-For).</summary>
    IPAddress? ClientAddress { get; }

    /// <summary>True when the request arrived over TLS.</summary>
    bool IsTls { get; }

    /// <summary>True when the header is present and <paramref name="predicate"/> holds for any one of its values.</summary>
    bool AnyHeaderValue(string name, Func<string, bool> predicate);

    /// <summary>True when the query parameter is present and <paramref name="predicate"/> holds for any one of its values.</summary>
    bool AnyQueryValue(string name, Func<string, bool> predicate);
}
