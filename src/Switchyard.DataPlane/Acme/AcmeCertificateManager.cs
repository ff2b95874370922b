using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Switchyard.Model.Diagnostics;

namespace Switchyard.DataPlane.Acme;

/// <summary>
/// Keeps the certificates of one ACME resolver: reuses stored ones (no new order after a restart), orders the
/// missing ones, renews those within <see cref="AcmeResolverOptions.RenewBefore"/> of expiry, backs off
/// exponentially per domain set after a failure (never hammering the CA), and reports failures as diagnostics
/// while the previous (or default) certificate keeps serving. Only orders while <c>isLeader()</c> says so.
/// </summary>
public sealed partial class AcmeCertificateManager : IAsyncDisposable
{
    private readonly AcmeResolverOptions _options;
    private readonly IAcmeStorage _storage;
    private readonly AcmeChallengeStore _challenges;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<bool> _isLeader;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Dictionary<string, (DateTimeOffset Until, TimeSpan Backoff)> _backoff = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private volatile IReadOnlyList<string>[] _wanted = [];
    private volatile ImmutableDictionary<string, AcmeCertificate> _byKey = ImmutableDictionary<string, AcmeCertificate>.Empty;
    private volatile ImmutableDictionary<string, AcmeCertificate> _byName = ImmutableDictionary<string, AcmeCertificate>.Empty.WithComparers(StringComparer.OrdinalIgnoreCase);
    private AcmeIssuer? _issuer;
    private Task? _loop;

    public AcmeCertificateManager(
        AcmeResolverOptions options, IAcmeStorage storage, AcmeChallengeStore challenges, HttpClient http,
        ILogger logger, TimeProvider? time = null, Func<bool>? isLeader = null)
    {
        _options = options;
        _storage = storage;
        _challenges = challenges;
        _http = http;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _isLeader = isLeader ?? (() => true);
    }

    public string Name => _options.Name;

    /// <summary>Raised after a certificate is loaded, issued or renewed (the data plane refreshes SNI).</summary>
    public event Action<AcmeCertificate>? CertificateChanged;

    /// <summary>Raised when an order fails; the diagnostic names the resolver and domains.</summary>
    public event Action<Diagnostic>? OrderFailed;

    /// <summary>Orders that succeeded since start (stored certificates reused do not count).</summary>
    public int OrdersCompleted { get; private set; }

    /// <summary>The certificate covering this server name, if any.</summary>
    public bool TryGetCertificate(string serverName, out AcmeCertificate certificate) =>
        _byName.TryGetValue(serverName, out certificate!);

    public IReadOnlyCollection<AcmeCertificate> Certificates => _byKey.Values.ToList();

    /// <summary>The domain sets the current table wants (one order per set; first domain is the main one).</summary>
    public void SetDomainSets<TSet>(IEnumerable<TSet> sets)
        where TSet : IEnumerable<string>
    {
        _wanted = sets.Select(s => (IReadOnlyList<string>)s.Select(d => d.ToLowerInvariant()).ToArray())
            .DistinctBy(Key).OrderBy(Key, StringComparer.Ordinal).ToArray();
        _wake.Release();
    }

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    private static string Key(IReadOnlyList<string> domains) => string.Join(",", domains);

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            foreach (var set in _wanted)
            {
                if (ct.IsCancellationRequested)
                {
                    break;
                }

                await EnsureAsync(set, ct);
            }

            var wait = _options.CheckInterval;
            var now = _time.GetUtcNow();
            foreach (var (_, b) in _backoff)
            {
                var left = b.Until - now;
                if (left > TimeSpan.Zero && left < wait)
                {
                    wait = left;
                }
            }

            try
            {
                await _wake.WaitAsync(wait, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task EnsureAsync(IReadOnlyList<string> set, CancellationToken ct)
    {
        var key = Key(set);
        var now = _time.GetUtcNow();
        if (_backoff.TryGetValue(key, out var b) && b.Until > now)
        {
            return;
        }

        if (!_byKey.TryGetValue(key, out var current))
        {
            current = await _storage.LoadCertificateAsync(set, ct);
            if (current is not null)
            {
                Publish(current);
                LogReused(_logger, _options.Name, key, current.NotAfter);
            }
        }

        if (current is not null && current.NotAfter - now > _options.RenewBefore)
        {
            return;
        }

        if (!_isLeader())
        {
            return;
        }

        try
        {
            var issuer = await GetIssuerAsync(ct);
            var issued = await issuer.IssueAsync(set, _options.ChallengeType, _options.KeyType, _options.Email, ct);
            await _storage.SaveCertificateAsync(issued, ct);
            OrdersCompleted++;
            _backoff.Remove(key);
            Publish(issued);
            LogIssued(_logger, _options.Name, key, issued.NotAfter);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is AcmeException or HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            var next = b.Backoff == TimeSpan.Zero ? _options.InitialBackoff : TimeSpan.FromTicks(Math.Min(b.Backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            _backoff[key] = (now + next, next);
            var code = ex is AcmeException ? DiagnosticCodes.AcmeOrderFailed : DiagnosticCodes.AcmeCaUnreachable;
            var reason = ex is AcmeException ? "AcmeOrderFailed" : "AcmeCaUnreachable";
            var message = $"certificate resolver '{_options.Name}' could not obtain a certificate for {key}: {ex.Message}; " +
                $"retrying in {next.TotalSeconds:0}s, serving the {(current is null ? "default" : "previous")} certificate meanwhile";
            LogFailed(_logger, _options.Name, key, ex.Message, next.TotalSeconds);
            OrderFailed?.Invoke(new Diagnostic(Severity.Error, code, reason, null, null, message));
        }
    }

    private void Publish(AcmeCertificate certificate)
    {
        _byKey = _byKey.SetItem(Key(certificate.Domains), certificate);
        var names = _byName;
        foreach (var d in certificate.Domains)
        {
            names = names.SetItem(d, certificate);
        }

        _byName = names;
        CertificateChanged?.Invoke(certificate);
    }

    private async Task<AcmeIssuer> GetIssuerAsync(CancellationToken ct)
    {
        if (_issuer is not null)
        {
            return _issuer;
        }

        var pem = await _storage.LoadAccountKeyAsync(ct);
        var key = pem is null ? AcmeAccountKey.Create(_options.AccountKeyType) : AcmeAccountKey.FromPem(pem);
        if (pem is null)
        {
            await _storage.SaveAccountKeyAsync(key.ExportPem(), ct);
        }

        _issuer = new AcmeIssuer(new AcmeClient(_http, new Uri(_options.CaServer), key), _challenges);
        return _issuer;
    }

    /// <summary>An HttpClient for the CA that trusts <see cref="AcmeResolverOptions.CaCertificates"/> when given (never system-wide).</summary>
    public static HttpClient CreateHttpClient(AcmeResolverOptions options)
    {
        var handler = new SocketsHttpHandler();
        if (options.CaCertificates.Count > 0)
        {
            var roots = new X509Certificate2Collection();
            foreach (var file in options.CaCertificates)
            {
                roots.ImportFromPemFile(file);
            }

            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                if (cert is null)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
            };
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "ACME resolver {Resolver}: reusing stored certificate for {Domains} (valid until {NotAfter})")]
    private static partial void LogReused(ILogger logger, string resolver, string domains, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "ACME resolver {Resolver}: obtained certificate for {Domains} (valid until {NotAfter})")]
    private static partial void LogIssued(ILogger logger, string resolver, string domains, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "ACME resolver {Resolver}: order for {Domains} failed: {Error}; retrying in {Seconds}s")]
    private static partial void LogFailed(ILogger logger, string resolver, string domains, string error, double seconds);
}
