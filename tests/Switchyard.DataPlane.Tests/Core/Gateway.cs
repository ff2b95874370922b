using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.Routing.Table;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>A real data plane on 127.0.0.1 (web, websecure, admin on free ports) plus client helpers.</summary>
internal sealed class Gateway : IAsyncDisposable
{
    private readonly List<IDisposable> _disposables = [];

    private Gateway(DataPlaneHost host) => Host = host;

    public DataPlaneHost Host { get; }

    public IPEndPoint Web => Host.Endpoint("web");

    public IPEndPoint WebSecure => Host.Endpoint("websecure");

    public IPEndPoint Admin => Host.Endpoint("admin");

    public static async Task<Gateway> StartAsync(Func<EntryPointOptions, EntryPointOptions>? web = null, Metrics.MetricsOptions? metrics = null,
        AccessLog.AccessLogOptions? accessLog = null, Api.ApiOptions? api = null, Tracing.TracingOptions? tracing = null,
        IEnumerable<EntryPointOptions>? extraEntryPoints = null, bool? http2Upstream = null)
    {
        var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));
        var webOptions = new EntryPointOptions { Name = "web", Endpoint = new IPEndPoint(IPAddress.Loopback, 0) };
        var host = DataPlaneHost.Create(
        [
            web is null ? webOptions : web(webOptions),
            new EntryPointOptions { Name = "websecure", Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Tls = true },
            new EntryPointOptions { Name = "admin", Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Admin = true },
            .. extraEntryPoints ?? [],
        ], loggerFactory, http2Upstream is { } upstream ? services => services.AddSingleton(new Switchyard.DataPlane.Forwarding.Http2UpstreamSwitch(upstream)) : null,
            metrics: metrics, accessLog: accessLog, api: api, tracing: tracing);
        await host.StartAsync();
        return new Gateway(host);
    }

    public void Apply(RoutingTable table) => Host.Tables.Swap(table);

    /// <summary>h2c channel to the web entry point.</summary>
    public GrpcChannel Channel()
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{Web.Port}", new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 16 * 1024 * 1024,
            MaxSendMessageSize = 16 * 1024 * 1024,
        });
        _disposables.Add(channel);
        return channel;
    }

    /// <summary>TLS (h2) channel to websecure, sending <paramref name="sni"/>; the served certificate is captured.</summary>
    public GrpcChannel TlsChannel(string sni, X509Certificate2 trustedCa, X509Certificate2? clientCertificate = null, Action<X509Certificate2>? seen = null)
    {
        var port = WebSecure.Port;
        var handler = new SocketsHttpHandler
        {
            // Resolve every name to the gateway so the client sends the SNI we want.
            ConnectCallback = async (ctx, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    if (cert is null)
                    {
                        return false;
                    }

                    var c = new X509Certificate2(cert);
                    seen?.Invoke(c);
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(trustedCa);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(c);
                },
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
            },
        };
        var channel = GrpcChannel.ForAddress($"https://{sni}:{port}", new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = 16 * 1024 * 1024,
            MaxSendMessageSize = 16 * 1024 * 1024,
        });
        _disposables.Add(channel);
        return channel;
    }

    public Echo.EchoClient Client() => new(Channel());

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _disposables)
        {
            d.Dispose();
        }

        await Host.DisposeAsync();
    }
}
