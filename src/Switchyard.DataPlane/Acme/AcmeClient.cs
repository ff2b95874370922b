using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Switchyard.DataPlane.Acme;

/// <summary>
/// RFC 8555 client: directory, nonces, account, orders, authorizations, challenges, finalize, download.
/// Every POST is a JWS signed with the account key; a badNonce answer is retried with the fresh nonce the
/// server sent (pebble rejects 5% of nonces on purpose); problem documents become <see cref="AcmeException"/>.
/// </summary>
public sealed class AcmeClient
{
    private const string JoseJson = "application/jose+json";
    private const int MaxBadNonceRetries = 5;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly Uri _directoryUrl;
    private readonly AcmeAccountKey _key;
    private readonly ConcurrentBag<string> _nonces = new();
    private AcmeDirectory? _directory;

    public AcmeClient(HttpClient http, Uri directoryUrl, AcmeAccountKey key)
    {
        _http = http;
        _directoryUrl = directoryUrl;
        _key = key;
    }

    /// <summary>The account URL ("kid") once registered.</summary>
    public string? AccountUrl { get; private set; }

    /// <summary>Upper bound of one wait between polls, whatever Retry-After says.</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(10);

    public AcmeAccountKey Key => _key;

    public async Task<AcmeDirectory> GetDirectoryAsync(CancellationToken ct)
    {
        if (_directory is null)
        {
            using var response = await _http.GetAsync(_directoryUrl, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new AcmeException(ParseProblem(body, response.StatusCode), $"GET {_directoryUrl}");
            }

            _directory = JsonSerializer.Deserialize<AcmeDirectory>(body, Json)
                ?? throw new InvalidOperationException("empty ACME directory");
        }

        return _directory;
    }

    /// <summary>Registers the account (or finds the existing one for this key) and remembers its URL.</summary>
    public async Task<string> RegisterAccountAsync(string? email, bool termsOfServiceAgreed, CancellationToken ct)
    {
        var dir = await GetDirectoryAsync(ct);
        var payload = new Dictionary<string, object> { ["termsOfServiceAgreed"] = termsOfServiceAgreed };
        if (!string.IsNullOrEmpty(email))
        {
            payload["contact"] = new[] { "mailto:" + email };
        }

        using var response = await PostAsync(dir.NewAccount, JsonSerializer.Serialize(payload, Json), useJwk: true, ct);
        AccountUrl = response.Headers.Location?.ToString()
            ?? throw new InvalidOperationException("ACME server returned no account URL");
        return AccountUrl;
    }

    public async Task<AcmeOrder> NewOrderAsync(IEnumerable<string> domains, CancellationToken ct)
    {
        var dir = await GetDirectoryAsync(ct);
        var payload = JsonSerializer.Serialize(new { identifiers = domains.Select(d => new AcmeIdentifier("dns", d)).ToArray() }, Json);
        using var response = await PostAsync(dir.NewOrder, payload, useJwk: false, ct);
        var order = await ReadAsync<AcmeOrder>(response, ct);
        return order with { Url = response.Headers.Location };
    }

    public async Task<AcmeOrder> GetOrderAsync(Uri url, CancellationToken ct)
    {
        using var response = await PostAsync(url, "", useJwk: false, ct);
        return (await ReadAsync<AcmeOrder>(response, ct)) with { Url = url };
    }

    public async Task<AcmeAuthorization> GetAuthorizationAsync(Uri url, CancellationToken ct)
    {
        using var response = await PostAsync(url, "", useJwk: false, ct);
        return await ReadAsync<AcmeAuthorization>(response, ct);
    }

    /// <summary>Tells the server the challenge is ready to be validated (RFC 8555 §7.5.1: POST of "{}").</summary>
    public async Task<AcmeChallenge> AnswerChallengeAsync(AcmeChallenge challenge, CancellationToken ct)
    {
        using var response = await PostAsync(challenge.Url, "{}", useJwk: false, ct);
        return await ReadAsync<AcmeChallenge>(response, ct);
    }

    /// <summary>Polls until the authorization is valid; invalid ⇒ AcmeException carrying the challenge's problem.</summary>
    public async Task<AcmeAuthorization> WaitForAuthorizationAsync(Uri url, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            using var response = await PostAsync(url, "", useJwk: false, ct);
            var authz = await ReadAsync<AcmeAuthorization>(response, ct);
            switch (authz.Status)
            {
                case "valid":
                    return authz;
                case "pending" or "processing":
                    await Task.Delay(PollDelay(response, ref delay), ct);
                    continue;
                default:
                    var problem = authz.Challenges.Select(c => c.Error).FirstOrDefault(e => e is not null)
                        ?? new AcmeProblem(null, $"authorization for {authz.Identifier.Value} is {authz.Status}", null, null);
                    throw new AcmeException(problem, $"authorization {authz.Identifier.Value}");
            }
        }
    }

    /// <summary>Sends the CSR (DER) to the order's finalize URL.</summary>
    public async Task<AcmeOrder> FinalizeAsync(AcmeOrder order, byte[] csrDer, CancellationToken ct)
    {
        var payload = JsonSerializer.Serialize(new { csr = System.Buffers.Text.Base64Url.EncodeToString(csrDer) }, Json);
        using var response = await PostAsync(order.Finalize, payload, useJwk: false, ct);
        return (await ReadAsync<AcmeOrder>(response, ct)) with { Url = order.Url };
    }

    /// <summary>Polls the order until valid (certificate URL known); invalid ⇒ AcmeException.</summary>
    public async Task<AcmeOrder> WaitForOrderAsync(Uri orderUrl, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            using var response = await PostAsync(orderUrl, "", useJwk: false, ct);
            var order = (await ReadAsync<AcmeOrder>(response, ct)) with { Url = orderUrl };
            switch (order.Status)
            {
                case "valid":
                    return order;
                case "pending" or "ready" or "processing":
                    await Task.Delay(PollDelay(response, ref delay), ct);
                    continue;
                default:
                    throw new AcmeException(order.Error ?? new AcmeProblem(null, $"order is {order.Status}", null, null), "order");
            }
        }
    }

    /// <summary>Downloads the PEM certificate chain (leaf first).</summary>
    public async Task<string> DownloadCertificateAsync(Uri certificateUrl, CancellationToken ct)
    {
        using var response = await PostAsync(certificateUrl, "", useJwk: false, ct, accept: "application/pem-certificate-chain");
        return await response.Content.ReadAsStringAsync(ct);
    }

    private TimeSpan PollDelay(HttpResponseMessage response, ref TimeSpan backoff)
    {
        var next = backoff;
        backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxPollInterval.Ticks));
        if (response.Headers.RetryAfter is { } ra)
        {
            var fromHeader = ra.Delta ?? (ra.Date is { } date ? date - DateTimeOffset.UtcNow : next);
            next = fromHeader < TimeSpan.Zero ? TimeSpan.Zero : fromHeader;
        }

        return next > MaxPollInterval ? MaxPollInterval : next;
    }

    private async Task<string> TakeNonceAsync(CancellationToken ct)
    {
        if (_nonces.TryTake(out var nonce))
        {
            return nonce;
        }

        var dir = await GetDirectoryAsync(ct);
        using var request = new HttpRequestMessage(HttpMethod.Head, dir.NewNonce);
        using var response = await _http.SendAsync(request, ct);
        return response.Headers.TryGetValues("Replay-Nonce", out var values)
            ? values.First()
            : throw new InvalidOperationException("ACME server sent no Replay-Nonce");
    }

    private void KeepNonce(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("Replay-Nonce", out var values))
        {
            _nonces.Add(values.First());
        }
    }

    /// <summary>A signed POST (payload "" = POST-as-GET). Retries badNonce; any other problem throws.</summary>
    private async Task<HttpResponseMessage> PostAsync(Uri url, string payload, bool useJwk, CancellationToken ct, string? accept = null)
    {
        if (!useJwk && AccountUrl is null)
        {
            throw new InvalidOperationException("register the ACME account first");
        }

        for (var attempt = 0; ; attempt++)
        {
            var nonce = await TakeNonceAsync(ct);
            using var content = new StringContent(_key.Sign(url, nonce, useJwk ? null : AccountUrl, payload), Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue(JoseJson);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            if (accept is not null)
            {
                request.Headers.Accept.ParseAdd(accept);
            }

            var response = await _http.SendAsync(request, ct);
            KeepNonce(response);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            var body = await response.Content.ReadAsStringAsync(ct);
            var problem = ParseProblem(body, response.StatusCode);
            response.Dispose();
            var error = new AcmeException(problem, $"POST {url}");
            if (error.IsBadNonce && attempt < MaxBadNonceRetries)
            {
                continue;
            }

            throw error;
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        return JsonSerializer.Deserialize<T>(body, Json) ?? throw new InvalidOperationException($"empty {typeof(T).Name}");
    }

    private static AcmeProblem ParseProblem(string body, HttpStatusCode status)
    {
        try
        {
            var problem = JsonSerializer.Deserialize<AcmeProblem>(body, Json);
            if (problem is not null)
            {
                return problem;
            }
        }
        catch (JsonException)
        {
        }

        return new AcmeProblem(null, $"HTTP {(int)status}: {(body.Length > 200 ? body[..200] : body)}", (int)status, null);
    }
}
