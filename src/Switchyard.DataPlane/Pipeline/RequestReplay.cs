using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Switchyard.DataPlane.Pipeline;

/// <summary>
/// Lets retry and failover send a call again as it was, not as the last attempt left it. Traefik clones the request
/// for each attempt (retry.go, failover.go: mirror.ReusableRequest.Clone), so what the services' middlewares changed
/// — a stripPrefix of one weighted child, its request headers, its response headers — does not carry over to an
/// attempt the balancer sends to another child. Here the request line, host and headers are recorded before the first
/// attempt and put back before the next, and the response callbacks (OnStarting: a headers middleware's response
/// headers) of a dropped attempt are forgotten. The body is the caller's to rewind. Dispose puts the response
/// feature back.
/// </summary>
internal sealed class RequestReplay : IHttpResponseFeature, IDisposable
{
    private readonly HttpContext _context;
    private readonly IHttpResponseFeature _response;
    private readonly string _method;
    private readonly string _scheme;
    private readonly HostString _host;
    private readonly PathString _pathBase;
    private readonly PathString _path;
    private readonly QueryString _query;
    private readonly KeyValuePair<string, StringValues>[] _headers;
    private List<(Func<object, Task> Callback, object State)>? _onStarting;

    public RequestReplay(HttpContext context)
    {
        _context = context;
        var request = context.Request;
        _method = request.Method;
        _scheme = request.Scheme;
        _host = request.Host;
        _pathBase = request.PathBase;
        _path = request.Path;
        _query = request.QueryString;
        _headers = new KeyValuePair<string, StringValues>[request.Headers.Count];
        request.Headers.CopyTo(_headers, 0);
        _response = context.Features.Get<IHttpResponseFeature>()!;
        // One callback on the real response runs the current attempt's callbacks when the answer starts.
        _response.OnStarting(static state => ((RequestReplay)state).RunOnStartingAsync(), this);
        context.Features.Set<IHttpResponseFeature>(this);
    }

    /// <summary>Before the next attempt: the request as recorded, and none of the last attempt's response callbacks.</summary>
    public void Restore()
    {
        _onStarting?.Clear();
        var request = _context.Request;
        request.Method = _method;
        request.Scheme = _scheme;
        request.Host = _host;
        request.PathBase = _pathBase;
        request.Path = _path;
        request.QueryString = _query;
        var headers = request.Headers;
        headers.Clear();
        foreach (var (name, value) in _headers)
        {
            headers[name] = value;
        }
    }

    public void Dispose() => _context.Features.Set(_response);

    // Registered last-in first-run, as ASP.NET Core runs them.
    private async Task RunOnStartingAsync()
    {
        if (_onStarting is not { Count: > 0 } callbacks)
        {
            return;
        }

        for (var i = callbacks.Count - 1; i >= 0; i--)
        {
            await callbacks[i].Callback(callbacks[i].State);
        }
    }

    public int StatusCode { get => _response.StatusCode; set => _response.StatusCode = value; }

    public string? ReasonPhrase { get => _response.ReasonPhrase; set => _response.ReasonPhrase = value; }

    public IHeaderDictionary Headers { get => _response.Headers; set => _response.Headers = value; }

#pragma warning disable CS0618 // IHttpResponseFeature.Body is obsolete but still part of the interface
    public Stream Body { get => _response.Body; set => _response.Body = value; }
#pragma warning restore CS0618

    public bool HasStarted => _response.HasStarted;

    public void OnStarting(Func<object, Task> callback, object state) => (_onStarting ??= []).Add((callback, state));

    public void OnCompleted(Func<object, Task> callback, object state) => _response.OnCompleted(callback, state);
}
