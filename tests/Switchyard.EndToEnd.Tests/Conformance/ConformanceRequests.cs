using System.Net.Http.Headers;
using System.Net.Security;
using System.Text.Json;

namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>A request of a conformance case (upstream's http.Request).</summary>
internal sealed record Req(string Path = "/", string? Host = null, string Method = "GET", IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>What the backend must have seen (upstream's http.ExpectedRequest).</summary>
internal sealed record SeenRequest(string? Path = null, string? Host = null, string? Method = null,
    IReadOnlyDictionary<string, string>? Headers = null, IReadOnlyList<string>? AbsentHeaders = null, string? Sni = null);

/// <summary>
/// One case of a conformance test (upstream's http.ExpectedResponse): the request, the status, which backend (and
/// namespace) answers, what it saw, the response headers, and the headers the backend is asked to answer with.
/// </summary>
internal sealed record Case(Req Request, int Status = 200, string? Backend = null, string? Namespace = null, SeenRequest? Seen = null,
    IReadOnlyDictionary<string, string>? ResponseHeaders = null, IReadOnlyList<string>? AbsentResponseHeaders = null,
    IReadOnlyDictionary<string, string>? BackendSetsHeaders = null, Redirect? RedirectTo = null, IReadOnlyList<string>? MirroredTo = null)
{
    /// <summary>A redirect answer (upstream's RedirectRequest with UnfollowRedirect).</summary>
    public static Case Redirected(string path, int status, Redirect to, string? host = null) => new(new Req(path, host), status, RedirectTo: to);

    /// <summary>A 200 from <paramref name="backend"/> in the infra namespace.</summary>
    public static Case To(string path, string backend, string? host = null, IReadOnlyDictionary<string, string>? headers = null, string method = "GET") =>
        new(new Req(path, host, method, headers), 200, backend, backend switch
        {
            "web-backend" => ConformanceEnvironment.WebBackend,
            _ when backend.StartsWith("app-", StringComparison.Ordinal) => ConformanceEnvironment.AppBackend,
            _ => ConformanceEnvironment.Infra,
        });

    public static Case NotFound(string path, string? host = null, IReadOnlyDictionary<string, string>? headers = null, string method = "GET") =>
        new(new Req(path, host, method, headers), 404);

    public override string ToString() =>
        $"{Request.Method} {Request.Host}{Request.Path}{(Request.Headers is { } h ? " " + string.Join(",", h.Select(p => p.Key + "=" + p.Value)) : "")}";
}

/// <summary>Where a redirect must point; null parts are not checked the way upstream defaults them (host: any; scheme and path: the request's).</summary>
internal sealed record Redirect(string? Scheme = null, string? Host = null, string? Port = null, string? Path = null);

/// <summary>The answer to one case: status, response headers, and the backend's echo when it answered.</summary>
internal sealed record Answer(int Status, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders, EchoedRequest? Echo, string Body)
{
    public string? Header(string name) =>
        Headers.TryGetValues(name, out var v) || (ContentHeaders?.TryGetValues(name, out v) ?? false) ? string.Join(",", v!) : null;
}

/// <summary>Sends conformance requests to the gateway's entry points on 127.0.0.1 (no redirects followed).</summary>
internal static class ConformanceClient
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<Answer> SendAsync(int port, Req request, IReadOnlyDictionary<string, string>? backendSets = null, string scheme = "http",
        HttpClient? client = null)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri($"{scheme}://127.0.0.1:{port}{request.Path}"));
        if (request.Host is { } host)
        {
            message.Headers.Host = host;
        }

        foreach (var (name, value) in request.Headers ?? new Dictionary<string, string>())
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (backendSets is { Count: > 0 })
        {
            message.Headers.TryAddWithoutValidation("X-Echo-Set-Header", string.Join(",", backendSets.Select(p => p.Key + ":" + p.Value)));
        }

        using var response = await (client ?? Http).SendAsync(message);
        var body = await response.Content.ReadAsStringAsync();
        EchoedRequest? echo = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            echo = JsonSerializer.Deserialize<EchoedRequest>(body, ConformanceBackend.Json);
        }

        return new Answer((int)response.StatusCode, response.Headers, response.Content.Headers, echo, body);
    }

    /// <summary>A client for TLS requests whose SNI is <paramref name="serverName"/>, trusting only the conformance CA.</summary>
    public static HttpClient Tls(string serverName, System.Security.Cryptography.X509Certificates.X509Certificate2 ca) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = serverName,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                    chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                    using var leaf = new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate);
                    return chain.Build(leaf);
                },
            },
        }) { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Why <paramref name="answer"/> does not meet <paramref name="expected"/>; null when it does (upstream's CompareRoundTrip).</summary>
    public static string? Mismatch(Case expected, Answer answer, string scheme = "http")
    {
        if (answer.Status != expected.Status)
        {
            return $"status {answer.Status}, expected {expected.Status} ({Trim(answer.Body)})";
        }

        if (expected.RedirectTo is { } redirect)
        {
            return RedirectMismatch(redirect, answer.Headers.Location, expected.Request.Path, scheme);
        }

        if (expected.Backend is { } backend)
        {
            if (answer.Echo is not { } echo)
            {
                return "no echo from a backend";
            }

            if (!echo.Pod.StartsWith(backend + "-", StringComparison.Ordinal) || echo.Namespace != expected.Namespace)
            {
                return $"answered by {echo.Namespace}/{echo.Pod}, expected {expected.Namespace}/{backend}";
            }
        }

        if (expected.Seen is { } seen)
        {
            var echo = answer.Echo;
            if (echo is null)
            {
                return "no echo from a backend";
            }

            var path = seen.Path ?? expected.Request.Path;
            if (echo.Path != path)
            {
                return $"backend saw path {echo.Path}, expected {path}";
            }

            if (seen.Host is { } host && echo.Host != host)
            {
                return $"backend saw host {echo.Host}, expected {host}";
            }

            if (seen.Method is { } method && echo.Method != method)
            {
                return $"backend saw method {echo.Method}, expected {method}";
            }

            if (seen.Sni is { } sni && echo.Sni != sni)
            {
                return $"backend saw SNI {echo.Sni}, expected {sni}";
            }

            foreach (var (name, value) in seen.Headers ?? new Dictionary<string, string>())
            {
                if (ListValue(echo.Header(name)) != value)
                {
                    return $"backend saw {name}: {echo.Header(name) ?? "(absent)"}, expected {value}";
                }
            }

            foreach (var name in seen.AbsentHeaders ?? [])
            {
                if (echo.Header(name) is { } present)
                {
                    return $"backend saw {name}: {present}, expected it absent";
                }
            }
        }

        foreach (var (name, value) in expected.ResponseHeaders ?? new Dictionary<string, string>())
        {
            if (answer.Header(name) != value)
            {
                return $"response {name}: {answer.Header(name) ?? "(absent)"}, expected {value}";
            }
        }

        foreach (var name in expected.AbsentResponseHeaders ?? [])
        {
            if (answer.Header(name) is { } present)
            {
                return $"response {name}: {present}, expected it absent";
            }
        }

        return null;
    }

    /// <summary>Upstream's redirect comparison (CompareRoundTrip): a missing expected port allows none or the scheme's own.</summary>
    private static string? RedirectMismatch(Redirect expected, Uri? location, string requestPath, string requestScheme)
    {
        if (location is not { IsAbsoluteUri: true })
        {
            return $"Location {location?.OriginalString ?? "(absent)"} is not absolute";
        }

        var port = location.IsDefaultPort ? "" : location.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var wanted = (Scheme: expected.Scheme ?? requestScheme, Host: expected.Host ?? location.Host, Path: expected.Path ?? requestPath.Split('?')[0]);
        if (location.Host != wanted.Host || location.Scheme != wanted.Scheme || location.AbsolutePath != wanted.Path ||
            (expected.Port is { } p ? port != p : port is not "" and not "80" and not "443"))
        {
            return $"redirected to {location}, expected {wanted.Scheme}://{wanted.Host}{(expected.Port is null ? "" : ":" + expected.Port)}{wanted.Path}";
        }

        return null;
    }

    /// <summary>
    /// A header's values as upstream joins them (","): .NET's HttpClient, which forwards the call, writes a header's
    /// values on one line joined by ", " where Go writes one line each; both mean the same list (RFC 9110 §5.3).
    /// </summary>
    private static string? ListValue(string? value) =>
        value is null ? null : string.Join(",", value.Split(',').Select(v => v.Trim()));

    private static string Trim(string body) => body.Length > 200 ? body[..200] : body;
}
