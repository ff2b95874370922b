using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.GatewayApi;

/// <summary>
/// HTTPRoute <c>rules[].timeouts</c> (GEP-1742) over a real Kestrel backend and the real data plane: <c>request</c> bounds
/// the whole call, cutting a response that has started; <c>backendRequest</c> bounds each attempt, so a retry
/// (ExtensionRef to a Traefik retry Middleware) gets its own; a rule without timeouts keeps a stream open however long.
/// </summary>
[CancelAfter(60_000)]
public sealed class HttpRouteTimeoutsTests
{
    [Test]
    public async Task The_request_timeout_cuts_a_started_response_while_a_stream_without_timeouts_stays_open()
    {
        await using var backend = await StallingBackend.StartAsync();
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Compile(backend.Port, """
              - matches: [{path: {type: PathPrefix, value: /timed}}]
                timeouts: {request: 300ms}
                backendRefs: [{name: backend, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /free}}]
                backendRefs: [{name: backend, port: 80}]
            """));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        // The untimed stream starts first and sends its first chunk...
        using var free = await client.GetAsync($"http://127.0.0.1:{gw.Web.Port}/free", HttpCompletionOption.ResponseHeadersRead);
        await using var freeBody = await free.Content.ReadAsStreamAsync();
        Assert.That(await ReadChunkAsync(freeBody), Is.EqualTo("first;"));

        // ...then the timed one: its headers and first chunk arrive, then the request timeout cuts it.
        using var timed = await client.GetAsync($"http://127.0.0.1:{gw.Web.Port}/timed", HttpCompletionOption.ResponseHeadersRead);
        Assert.That(timed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await using var timedBody = await timed.Content.ReadAsStreamAsync();
        Assert.That(await ReadChunkAsync(timedBody), Is.EqualTo("first;"));
        Assert.That(async () => await new StreamReader(timedBody).ReadToEndAsync(), Throws.InstanceOf<Exception>(), "the response is cut, not ended");
        await backend.Aborted.WaitAsync(TimeSpan.FromSeconds(10));

        // After the timed call was cut, the older untimed stream is still open: released, it ends normally.
        backend.Release();
        Assert.That(await new StreamReader(freeBody).ReadToEndAsync(), Is.EqualTo("second"));
    }

    [Test]
    public async Task The_backendRequest_timeout_bounds_each_attempt_so_a_retry_gets_a_fresh_one()
    {
        await using var backend = await StallingBackend.StartAsync();
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Compile(backend.Port, """
              - matches: [{path: {type: PathPrefix, value: /once}}]
                timeouts: {request: 20s, backendRequest: 300ms}
                filters: [{type: ExtensionRef, extensionRef: {group: traefik.io, kind: Middleware, name: retry}}]
                backendRefs: [{name: backend, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /alone}}]
                timeouts: {backendRequest: 300ms}
                backendRefs: [{name: backend, port: 80}]
            """));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        // /once stalls on its first call only: the first attempt times out (504, retried), the second answers.
        using var retried = await client.GetAsync($"http://127.0.0.1:{gw.Web.Port}/once");
        Assert.Multiple(async () =>
        {
            Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await retried.Content.ReadAsStringAsync(), Is.EqualTo("second attempt"));
            Assert.That(backend.Calls("/once"), Is.EqualTo(2));
        });

        // Without a retry the timed-out attempt is the answer: 504.
        using var alone = await client.GetAsync($"http://127.0.0.1:{gw.Web.Port}/alone");
        Assert.That(alone.StatusCode, Is.EqualTo(HttpStatusCode.GatewayTimeout));
    }

    [Test]
    public async Task The_request_timeout_bounds_a_forwardAuth_whose_server_never_answers_and_cancels_its_call(CancellationToken ct)
    {
        await using var backend = await StallingBackend.StartAsync();
        using var auth = new SilentServer();
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Compile(backend.Port, """
              - matches: [{path: {type: PathPrefix, value: /}}]
                timeouts: {request: 300ms}
                filters: [{type: ExtensionRef, extensionRef: {group: traefik.io, kind: Middleware, name: auth}}]
                backendRefs: [{name: backend, port: 80}]
            """, $$"""
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata: {name: auth, namespace: default}
            spec:
              forwardAuth: {address: "http://127.0.0.1:{{auth.Port}}/check"}
            """));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        // HTTP: the auth server takes the call and never answers: 504 at the route's deadline...
        using var answer = await client.GetAsync($"http://127.0.0.1:{gw.Web.Port}/guarded", ct);
        Assert.Multiple(async () =>
        {
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.GatewayTimeout));
            Assert.That(await answer.Content.ReadAsStringAsync(ct), Does.Contain("timeouts.request"));
        });

        // ...and the auth call was cancelled, not left hanging: its connection was closed by the gateway.
        await auth.Closed(1).WaitAsync(TimeSpan.FromSeconds(10), ct);

        // gRPC: the same bound answers DEADLINE_EXCEEDED, and that auth call is closed too.
        var grpc = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () =>
            await gw.Client().UnaryAsync(new Switchyard.TestKit.Grpc.EchoRequest { Message = "hi" }, cancellationToken: ct));
        Assert.That(grpc!.StatusCode, Is.EqualTo(Grpc.Core.StatusCode.DeadlineExceeded), grpc.Status.Detail);
        await auth.Closed(2).WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.That(backend.Calls("/guarded"), Is.Zero, "nothing reached the backend");
    }

    [Test]
    public async Task The_request_timeout_bounds_a_buffering_middleware_reading_a_body_that_stops_coming(CancellationToken ct)
    {
        await using var backend = await StallingBackend.StartAsync();
        await using var gw = await Gateway.StartAsync();
        gw.Apply(Compile(backend.Port, """
              - matches: [{path: {type: PathPrefix, value: /upload}}]
                timeouts: {request: 300ms}
                filters: [{type: ExtensionRef, extensionRef: {group: traefik.io, kind: Middleware, name: buffer}}]
                backendRefs: [{name: backend, port: 80}]
            """, """
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata: {name: buffer, namespace: default}
            spec:
              buffering: {maxRequestBodyBytes: 1048576}
            """));

        // 3 of the 10 announced bytes, then nothing: the buffering middleware waits for the rest until the deadline.
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(gw.Web, ct);
        await socket.SendAsync("POST /upload HTTP/1.1\r\nHost: upload.test\r\nContent-Length: 10\r\n\r\nabc"u8.ToArray(), ct);
        var buffer = new byte[1024];
        var read = await socket.ReceiveAsync(buffer, ct);
        Assert.That(System.Text.Encoding.ASCII.GetString(buffer, 0, read), Does.StartWith("HTTP/1.1 504"));
        Assert.That(backend.Calls("/upload"), Is.Zero, "nothing reached the backend");
    }

    [Test]
    public void Invalid_timeouts_answer_500_and_say_why_on_the_route()
    {
        var result = RoutingCompiler.Compile(ManifestLoader.LoadText(Manifests(1, """
              - matches: [{path: {type: PathPrefix, value: /bad}}]
                timeouts: {request: 1 second}
                backendRefs: [{name: backend, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /longer}}]
                timeouts: {request: 1s, backendRequest: 2s}
                backendRefs: [{name: backend, port: 80}]
            """), "timeouts.yaml"));
        var problems = result.Diagnostics.Where(d => d.Code == DiagnosticCodes.GatewayTimeoutsInvalid).Select(d => $"{d.Field}: {d.Message}").Distinct().ToList();
        var resolved = result.GatewayApi.Routes.Single().Status.Parents![0].Conditions!.Single(c => c.Type == "ResolvedRefs");
        Assert.Multiple(() =>
        {
            Assert.That(problems, Has.Count.EqualTo(2));
            Assert.That(problems[0], Does.StartWith("spec.rules[0].timeouts: timeouts.request \"1 second\" is not a Gateway API duration"));
            Assert.That(problems[1], Does.Contain("backendRequest (2s) is longer than timeouts.request (1s)"));
            Assert.That((resolved.Status, resolved.Reason), Is.EqualTo(("False", "UnsupportedValue")));
            Assert.That(result.Table.Routers.Select(r => r.Service), Is.All.EqualTo("gateway-invalid-backend"), "both rules answer 500");
        });
    }

    private static async Task<string> ReadChunkAsync(Stream body)
    {
        var buffer = new byte[64];
        var read = await body.ReadAsync(buffer);
        return System.Text.Encoding.ASCII.GetString(buffer, 0, read);
    }

    private static Switchyard.Routing.Table.RoutingTable Compile(int port, string rules, string? extra = null)
    {
        var text = Manifests(port, rules) + (extra is null ? "" : "\n---\n" + extra);
        var result = RoutingCompiler.Compile(ManifestLoader.LoadText(text, "timeouts.yaml"));
        Assert.That(result.Diagnostics.Where(d => d.Severity is Severity.Error or Severity.Warning).Select(d => d.Format()), Is.Empty);
        return result.Table;
    }

    private static string Manifests(int port, string rules) => $$"""
        {{GatewayApiManifests.GatewayAndClass()}}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata: {name: retry, namespace: default}
        spec:
          retry: {attempts: 2, initialInterval: 10ms, status: ["504"]}
        ---
        {{GatewayApiManifests.Backend("backend", port, "http", servicePort: 80)}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: timeouts, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
        {{rules}}
        """;

    /// <summary>
    /// A TCP server on 127.0.0.1:0 that reads whatever it is sent and never answers (an auth server that hangs); it
    /// counts the connections closed by their caller.
    /// </summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<TaskCompletionSource> _closed = [];
        private int _closedCount;

        public SilentServer()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        /// <summary>Completes once <paramref name="count"/> connections were closed by the caller.</summary>
        public Task Closed(int count)
        {
            lock (_closed)
            {
                while (_closed.Count < count)
                {
                    _closed.Add(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                }

                for (var i = 0; i < _closedCount; i++)
                {
                    _closed[i].TrySetResult();
                }

                return _closed[count - 1].Task;
            }
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var peer = await _listener.AcceptSocketAsync(_stop.Token);
                    _ = DrainAsync(peer);
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
        }

        private async Task DrainAsync(System.Net.Sockets.Socket peer)
        {
            using (peer)
            {
                var buffer = new byte[4096];
                try
                {
                    while (await peer.ReceiveAsync(buffer, _stop.Token) > 0)
                    {
                    }
                }
                catch (Exception) when (!_stop.IsCancellationRequested)
                {
                    // A reset is a close too.
                }
                catch (Exception)
                {
                    return; // the test is over
                }
            }

            lock (_closed)
            {
                _closedCount++;
                if (_closedCount <= _closed.Count)
                {
                    _closed[_closedCount - 1].TrySetResult();
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }

    /// <summary>
    /// A Kestrel backend on 127.0.0.1:0: <c>/timed</c> and <c>/free</c> send "first;" then wait for <see cref="Release"/>
    /// (then "second") or the call's abort (<see cref="Aborted"/>); <c>/once</c> waits for the abort on its first call and
    /// answers at once after; <c>/alone</c> always waits.
    /// </summary>
    private sealed class StallingBackend : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Dictionary<string, int> _calls = [];

        private StallingBackend(WebApplication app) => _app = app;

        public int Port { get; private set; }

        public Task Aborted => _aborted.Task;

        public void Release() => _release.TrySetResult();

        public int Calls(string path)
        {
            lock (_calls)
            {
                return _calls.GetValueOrDefault(path);
            }
        }

        public static async Task<StallingBackend> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var self = new StallingBackend(app);
            app.Run(self.HandleAsync);
            await app.StartAsync();
            self.Port = new Uri(app.Urls.First()).Port;
            return self;
        }

        private async Task HandleAsync(HttpContext ctx)
        {
            var path = ctx.Request.Path.Value ?? "";
            int call;
            lock (_calls)
            {
                call = _calls[path] = _calls.GetValueOrDefault(path) + 1;
            }

            try
            {
                switch (path)
                {
                    case "/timed" or "/free":
                        await ctx.Response.WriteAsync("first;");
                        await ctx.Response.Body.FlushAsync();
                        await _release.Task.WaitAsync(ctx.RequestAborted);
                        await ctx.Response.WriteAsync("second");
                        return;
                    case "/once" when call > 1:
                        await ctx.Response.WriteAsync("second attempt");
                        return;
                    default:
                        await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
                        return;
                }
            }
            catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
            {
                _aborted.TrySetResult();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _release.TrySetResult();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
