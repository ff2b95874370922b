using Switchyard.DataPlane.Balancers;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Forwarding;
using Switchyard.Routing.Table;
using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Services;

/// <summary>
/// A Kubernetes Service's servers behind one strategy (wrr, p2c, hrw, leasttime). Per call: sticky cookie,
/// else the strategy picks among usable servers (not terminating, not ejected by the active or passive
/// check); none ⇒ UNAVAILABLE / 503. The outcome feeds in-flight counts, response times and passive health.
/// </summary>
public sealed class LoadBalancerHandler : IServiceHandler
{
    private readonly string _id;
    private readonly BalancedServer[] _servers;
    private readonly IBalancer _balancer;
    private readonly StickySession? _sticky;
    private readonly IServiceForwarder _forwarder;
    private readonly TimeProvider _time;
    private readonly string _unavailableMessage;

    public LoadBalancerHandler(string id, LoadBalancerService config, BalancedServer[] servers, IBackendForwarder forwarder, TimeProvider time)
    {
        _id = id;
        _servers = servers;
        // Resolved once: a call forwards without looking its pool, version policy or transformer up.
        _forwarder = forwarder.For(config);
        _time = time;
        _balancer = BalancerFactory.Create(config.Strategy, servers, time);
        if (config.Sticky is { } cookie)
        {
            var values = new string[servers.Length];
            for (var i = 0; i < servers.Length; i++)
            {
                values[i] = servers[i].StickyValue;
            }

            _sticky = new StickySession(cookie, values);
        }

        _unavailableMessage = servers.Length == 0
            ? $"service {id} has no servers"
            : $"service {id} has no healthy server";
    }

    public string Id => _id;

    /// <summary>The servers with their live counters (diagnostics, tests).</summary>
    public IReadOnlyList<BalancedServer> Servers => _servers;

    public bool IsAvailable
    {
        get
        {
            var now = _time.GetTimestamp();
            foreach (var server in _servers)
            {
                if (server.IsUsable(now))
                {
                    return true;
                }
            }

            return false;
        }
    }

    public Task HandleAsync(HttpContext context)
    {
        var now = _time.GetTimestamp();
        var index = -1;
        if (_sticky is not null)
        {
            index = _sticky.Find(context.Request);
            // A pinned client may keep using a terminating server (it drains); not an unhealthy one.
            if (index >= 0 && !_servers[index].IsHealthy(now))
            {
                index = -1;
            }
        }

        if (index < 0)
        {
            index = _balancer.Pick(context.Connection.RemoteIpAddress, now);
            if (index < 0)
            {
                return ProxyErrors.WriteAsync(context, ProxyErrorKind.Unavailable, _unavailableMessage);
            }

            _sticky?.Set(context.Response, index);
        }

        return ForwardAsync(context, _servers[index]);
    }

    private async Task ForwardAsync(HttpContext context, BalancedServer server)
    {
        var start = _time.GetTimestamp();
        server.CallStarted();
        ForwardOutcome outcome;
        try
        {
            outcome = await _forwarder.ForwardAsync(context, server.Server);
        }
        finally
        {
            server.CallEnded();
        }

        var end = _time.GetTimestamp();
        if (outcome is not (ForwardOutcome.Cancelled or ForwardOutcome.ClientError))
        {
            server.RecordDuration(end - start, end);
        }

        if (outcome is ForwardOutcome.ConnectFailure or ForwardOutcome.ServerError)
        {
            server.Passive?.RecordFailure(end);
        }
    }
}
