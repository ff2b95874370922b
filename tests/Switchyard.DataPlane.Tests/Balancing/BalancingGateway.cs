using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.Forwarding;
using Switchyard.DataPlane.HealthChecks;
using Switchyard.DataPlane.Services;
using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Tests.Balancing;

/// <summary>
/// A real Kestrel h2c listener on 127.0.0.1:0 that sends every call to one service handler built by
/// ServiceTreeBuilder from a table, forwarding with the real YarpBackendForwarder over the real SwapState
/// (the gateway pipeline without routing or middlewares).
/// </summary>
internal sealed class BalancingGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<GrpcChannel> _channels = [];
    private IReadOnlyDictionary<string, IServiceHandler> _handlers;
    private SwapGeneration? _generation;

    private BalancingGateway(WebApplication app, IReadOnlyDictionary<string, IServiceHandler> handlers, string root, Uri address)
    {
        _app = app;
        _handlers = handlers;
        Root = root;
        Address = address;
    }

    public Uri Address { get; }

    public string Root { get; }

    public SwapState State { get; } = new();

    public IServerHealthEvents Events => _app.Services.GetRequiredService<IServerHealthEvents>();

    public IServiceHandler Handler(string id) => _handlers[id];

    public static async Task<BalancingGateway> StartAsync(RoutingTable table, string root)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        builder.Services.AddSwitchyardHealthEvents();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        BalancingGateway? self = null;
        // The root service, or the one named by an "x-service" header (lets one gateway serve several nodes).
        app.Run(ctx => self!._handlers[ctx.Request.Headers["x-service"] is { Count: 1 } named ? named[0]! : self.Root].HandleAsync(ctx));
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        self = new BalancingGateway(app, new Dictionary<string, IServiceHandler>(), root, new Uri($"http://127.0.0.1:{port}"));
        self.Swap(table);
        return self;
    }

    /// <summary>
    /// Builds the handlers of <paramref name="table"/> in a new swap generation and publishes them; the previous
    /// generation retires (tests swap with no call in flight), releasing state the new table did not ask for.
    /// </summary>
    public void Swap(RoutingTable table)
    {
        var generation = State.BeginGeneration();
        var forwarder = new YarpBackendForwarder(
            _app.Services.GetRequiredService<IHttpForwarder>(), table, generation, _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("forwarder"));
        _handlers = ServiceTreeBuilder.Build(table, forwarder, generation, _app.Services);
        var previous = _generation;
        _generation = generation;
        previous?.Release();
    }

    public static Grpc.Core.Metadata To(string service) => new() { { "x-service", service } };

    /// <summary>
    /// An Echo client over a new h2c channel to the gateway (disposed with the gateway). Without a cookie
    /// jar: a test sends cookies explicitly as metadata.
    /// </summary>
    public Echo.EchoClient Client()
    {
        var channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions
        {
            MaxRetryAttempts = 0,
            HttpHandler = new SocketsHttpHandler { UseCookies = false, EnableMultipleHttp2Connections = true },
            DisposeHttpClient = true,
        });
        _channels.Add(channel);
        return new Echo.EchoClient(channel);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        State.Dispose();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
