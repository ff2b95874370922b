using System.Net;
using Microsoft.AspNetCore.Http;
using Switchyard.Routing.Rules;

namespace Switchyard.DataPlane.Pipeline;

/// <summary>
/// <see cref="IRequestFacts"/> over an HttpContext. Matching is synchronous, so one instance per thread is
/// reused (<see cref="Rent"/>/<see cref="Return"/>): no allocation per request.
/// </summary>
internal sealed class HttpRequestFacts : IRequestFacts
{
    [ThreadStatic] private static HttpRequestFacts? t_instance;
    [ThreadStatic] private static string? t_lastAuthority;
    [ThreadStatic] private static string? t_lastHost;

    private HttpContext _context = null!;

    public static HttpRequestFacts Rent(HttpContext context)
    {
        var facts = t_instance ?? new HttpRequestFacts();
        t_instance = null;
        facts._context = context;
        return facts;
    }

    public static void Return(HttpRequestFacts facts)
    {
        facts._context = null!;
        t_instance = facts;
    }

    public string Method => _context.Request.Method;

    public string Host
    {
        get
        {
            var authority = _context.Request.Host.Value;
            if (string.IsNullOrEmpty(authority))
            {
                return "";
            }

            if (ReferenceEquals(authority, t_lastAuthority) || string.Equals(authority, t_lastAuthority, StringComparison.Ordinal))
            {
                return t_lastHost!;
            }

            var host = _context.Request.Host.Host;
            t_lastAuthority = authority;
            t_lastHost = host;
            return host;
        }
    }

    public string Path => _context.Request.Path.Value is { Length: > 0 } p ? p : "/";

    public IPAddress? ClientAddress => _context.Connection.RemoteIpAddress;

    public bool IsTls => _context.Request.IsHttps;

    public bool AnyHeaderValue(string name, Func<string, bool> predicate)
    {
        if (!_context.Request.Headers.TryGetValue(name, out var values))
        {
            return false;
        }

        foreach (var v in values)
        {
            if (v is not null && predicate(v))
            {
                return true;
            }
        }

        return false;
    }

    public bool AnyQueryValue(string name, Func<string, bool> predicate)
    {
        if (!_context.Request.QueryString.HasValue || !_context.Request.Query.TryGetValue(name, out var values))
        {
            return false;
        }

        foreach (var v in values)
        {
            if (v is not null && predicate(v))
            {
                return true;
            }
        }

        return false;
    }
}
