using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Yarp.ReverseProxy.Forwarder;

// Usage: Bench.BareYarp LISTEN_PORT BACKEND_URL — h2c in, h2c out, every request to one backend.
var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
var backend = args[1];
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Services.AddHttpForwarder();
builder.WebHost.ConfigureKestrel(k =>
{
    k.Limits.Http2.MaxStreamsPerConnection = 1000;
    k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2);
});
var app = builder.Build();
var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    EnableMultipleHttp2Connections = true,
    ActivityHeadersPropagator = null,
});
var config = new ForwarderRequestConfig { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
app.Run(async ctx => await forwarder.SendAsync(ctx, backend, invoker, config, HttpTransformer.Empty));
app.Run();
