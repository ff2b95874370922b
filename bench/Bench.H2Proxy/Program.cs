using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Switchyard.DataPlane.Forwarding.Http2Upstream;

// Usage: Bench.H2Proxy LISTEN_PORT BACKEND_PORT — h2c in (Kestrel), h2c out through the purpose-built multiplexed
// HTTP/2 upstream client (src/Switchyard.DataPlane/Forwarding/Http2Upstream), every request to one backend on
// 127.0.0.1. Issue 21's alternative to SocketsHttpHandler + YARP; Bench.BareYarp has the same Kestrel front.
var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
var backendPort = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    k.Limits.Http2.MaxStreamsPerConnection = 1000;
    k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2);
});
var app = builder.Build();
var forwarder = new GrpcUpstreamForwarder(new UpstreamPool(new IPEndPoint(IPAddress.Loopback, backendPort)));
app.Run(forwarder.ForwardAsync);
app.Run();
