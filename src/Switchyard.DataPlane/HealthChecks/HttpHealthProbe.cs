using System.Net;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.HealthChecks;

/// <summary>
/// HTTP mode: <c>method</c> <c>path</c> on the target with the check's headers and hostname. Healthy when the
/// status equals <c>status</c>, or is 2xx/3xx when none is set (Traefik's rule). Redirects are followed only
/// with <c>followRedirects</c>.
/// </summary>
public sealed class HttpHealthProbe : IHealthProbe
{
    private readonly HttpMessageInvoker _invoker;
    private readonly HealthCheckConfig _config;
    private readonly HttpMethod _method;
    private readonly Version _version;
    private readonly HttpVersionPolicy _versionPolicy;

    public HttpHealthProbe(HealthCheckTarget target, HealthCheckConfig config, SocketsHttpHandler handler)
    {
        handler.AllowAutoRedirect = config.FollowRedirects;
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
        _config = config;
        _method = new HttpMethod(string.IsNullOrEmpty(config.Method) ? "GET" : config.Method.ToUpperInvariant());
        var path = string.IsNullOrEmpty(config.Path) ? "/" : config.Path;
        Target = new Uri(target.BaseAddress, path);
        (_version, _versionPolicy) = target.Http2Only
            ? (HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact)
            : target.Tls
                ? (HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrHigher)
                : (HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower);
    }

    public Uri Target { get; }

    public async Task<ProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(_method, Target) { Version = _version, VersionPolicy = _versionPolicy };
        foreach (var (name, value) in _config.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (!string.IsNullOrEmpty(_config.Hostname))
        {
            request.Headers.Host = _config.Hostname;
        }

        try
        {
            using var response = await _invoker.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            var ok = _config.Status > 0 ? status == _config.Status : status is >= 200 and < 400;
            return new ProbeResult(ok, "HTTP " + status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(false, "timed out");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return new ProbeResult(false, ex.Message);
        }
    }

    public void Dispose() => _invoker.Dispose();
}
