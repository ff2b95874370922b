using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client.Web;
using Switchyard.DataPlane.AccessLog;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.DataPlane.Tests.Middlewares;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>Access logs of real calls through a real gateway, written to a real file by the background writer.</summary>
[CancelAfter(60_000)]
public class AccessLogTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("switchyard-accesslog-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string LogFile => Path.Combine(_dir, "access.log");

    [Test]
    public async Task JsonLines_CarryTraefiksFields_AndTheGrpcStatusServiceAndMethod()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(accessLog: new AccessLogOptions { FilePath = LogFile, Format = AccessLogFormat.Json });
        gw.Apply(Table([Router("default-echo", "default-echo-80")],
            new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) }));
        var client = gw.Client();
        await client.UnaryAsync(new EchoRequest { Message = "hi" });
        var failed = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.UnaryAsync(new EchoRequest { FailWithStatus = (int)StatusCode.NotFound, FailMessage = "no such user" }));
        Assert.That(failed!.StatusCode, Is.EqualTo(StatusCode.NotFound));

        var lines = await ReadLinesAsync(gw, 2);
        var ok = lines[0].RootElement;
        var notFound = lines[1].RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(ok.GetProperty("RouterName").GetString(), Is.EqualTo("default-echo"));
            Assert.That(ok.GetProperty("ServiceName").GetString(), Is.EqualTo("default-echo-80"));
            Assert.That(ok.GetProperty("ServiceURL").GetString(), Is.EqualTo($"h2c://{backend.Address.Host}:{backend.Address.Port}"));
            Assert.That(ok.GetProperty("ServiceAddr").GetString(), Is.EqualTo($"{backend.Address.Host}:{backend.Address.Port}"));
            Assert.That(ok.GetProperty("entryPointName").GetString(), Is.EqualTo("web"));
            Assert.That(ok.GetProperty("RequestMethod").GetString(), Is.EqualTo("POST"));
            Assert.That(ok.GetProperty("RequestPath").GetString(), Is.EqualTo("/switchyard.test.Echo/Unary"));
            Assert.That(ok.GetProperty("RequestProtocol").GetString(), Is.EqualTo("HTTP/2"));
            Assert.That(ok.GetProperty("RequestScheme").GetString(), Is.EqualTo("http"));
            Assert.That(ok.GetProperty("ClientHost").GetString(), Is.EqualTo("127.0.0.1"));
            Assert.That(ok.GetProperty("DownstreamStatus").GetInt32(), Is.EqualTo(200));
            Assert.That(ok.GetProperty("OriginStatus").GetInt32(), Is.EqualTo(200));
            Assert.That(ok.GetProperty("RetryAttempts").GetInt32(), Is.Zero);
            Assert.That(ok.GetProperty("Duration").GetInt64(), Is.GreaterThan(0).And.GreaterThanOrEqualTo(ok.GetProperty("OriginDuration").GetInt64()));
            Assert.That(ok.GetProperty("GrpcStatus").GetInt32(), Is.Zero);
            Assert.That(ok.GetProperty("GrpcService").GetString(), Is.EqualTo("switchyard.test.Echo"));
            Assert.That(ok.GetProperty("GrpcMethod").GetString(), Is.EqualTo("Unary"));
            Assert.That(ok.GetProperty("level").GetString(), Is.EqualTo("info"));
            Assert.That(ok.GetProperty("ClientAddr").GetString(), Is.EqualTo($"127.0.0.1:{ok.GetProperty("ClientPort").GetString()}"));
            Assert.That(ok.GetProperty("RequestHost").GetString(), Is.EqualTo(gw.Web.Address.ToString()));
            Assert.That(ok.GetProperty("RequestPort").GetString(), Is.EqualTo(gw.Web.Port.ToString(CultureInfo.InvariantCulture)));
            var startUtc = DateTimeOffset.Parse(ok.GetProperty("StartUTC").GetString()!, CultureInfo.InvariantCulture);
            Assert.That(ok.GetProperty("StartUTC").GetString(), Does.EndWith("Z"));
            Assert.That(DateTimeOffset.Parse(ok.GetProperty("StartLocal").GetString()!, CultureInfo.InvariantCulture), Is.EqualTo(startUtc), "the same instant in local time");
            Assert.That(ok.GetProperty("time").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$"));
            Assert.That(ok.TryGetProperty("request_User-Agent", out _), Is.False, "headers are dropped by default, as in Traefik");
            Assert.That(notFound.GetProperty("GrpcStatus").GetInt32(), Is.EqualTo((int)StatusCode.NotFound));
            Assert.That(notFound.GetProperty("GrpcMessage").GetString(), Is.EqualTo("no such user"));
            Assert.That(notFound.GetProperty("RequestCount").GetInt64(), Is.EqualTo(ok.GetProperty("RequestCount").GetInt64() + 1));
        });
        var names = ok.EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(names, Is.EqualTo(names.OrderBy(n => n, StringComparer.Ordinal).ToList()), "keys in byte order, as logrus writes them");
    }

    [Test]
    public async Task GrpcWebCalls_LogTheGrpcStatusFromTheTrailerFrame()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(accessLog: new AccessLogOptions { FilePath = LogFile, Format = AccessLogFormat.Json });
        gw.Apply(Table([Router("web-echo", "svc", middlewares: ["default-grpcweb"])],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) },
            middlewares: new Dictionary<string, MiddlewareConfig> { ["default-grpcweb"] = new GrpcWebConfig(["*"]) }));
        var (channel, client) = Clients.GrpcWeb(new Uri($"http://127.0.0.1:{gw.Web.Port}"), GrpcWebMode.GrpcWeb, HttpVersion.Version11);
        using (channel)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(async () =>
                await client.UnaryAsync(new EchoRequest { FailWithStatus = (int)StatusCode.PermissionDenied, FailMessage = "nope" }));
            Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        }

        var line = (await ReadLinesAsync(gw, 1))[0].RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(line.GetProperty("RequestProtocol").GetString(), Is.EqualTo("HTTP/1.1"));
            Assert.That(line.GetProperty("GrpcStatus").GetInt32(), Is.EqualTo((int)StatusCode.PermissionDenied));
            Assert.That(line.GetProperty("GrpcService").GetString(), Is.EqualTo("switchyard.test.Echo"));
            Assert.That(line.GetProperty("GrpcMethod").GetString(), Is.EqualTo("Unary"));
        });
    }

    /// <summary>
    /// Concurrent calls with different outcomes each get a whole line of their own fields (the formatter reuses what it
    /// printed on the previous line when a field's source repeats), with a StartUTC — derived from the call's Stopwatch
    /// timestamp and the writer's clock reading — that falls within the call.
    /// </summary>
    [Test]
    public async Task ConcurrentCalls_EachGetAWholeLineOfTheirOwnFields()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(accessLog: new AccessLogOptions { FilePath = LogFile, Format = AccessLogFormat.Json });
        gw.Apply(Table([Router("default-echo", "default-echo-80")],
            new Dictionary<string, ServiceConfig> { ["default-echo-80"] = Lb("h2c", [backend.Address]) }));
        var client = gw.Client();
        const int calls = 160;
        // Clock slewing between a thread's wall-clock reading and the call is microseconds; a millisecond covers it.
        var before = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        await Task.WhenAll(Enumerable.Range(0, calls).Select(async i =>
        {
            // Status 0 for every fourth call, else 1..16 with a message naming the call.
            var status = i % 4 == 0 ? 0 : 1 + (i % 16);
            try
            {
                await client.UnaryAsync(new EchoRequest { Message = "m", FailWithStatus = status, FailMessage = $"call {i}" });
            }
            catch (RpcException ex) when ((int)ex.StatusCode == status)
            {
            }
        }));
        var after = DateTimeOffset.UtcNow;

        var lines = await ReadLinesAsync(gw, calls);
        var counts = new HashSet<long>();
        foreach (var line in lines.Select(l => l.RootElement))
        {
            var status = line.GetProperty("GrpcStatus").GetInt32();
            if (status == 0)
            {
                Assert.That(line.TryGetProperty("GrpcMessage", out _), Is.False, line.ToString());
            }
            else
            {
                var call = int.Parse(line.GetProperty("GrpcMessage").GetString()!["call ".Length..], CultureInfo.InvariantCulture);
                Assert.That(status, Is.EqualTo(1 + (call % 16)), line.ToString());
            }

            var start = DateTimeOffset.Parse(line.GetProperty("StartUTC").GetString()!, CultureInfo.InvariantCulture);
            Assert.That(start, Is.InRange(before, after), line.ToString());
            Assert.That(line.GetProperty("RouterName").GetString(), Is.EqualTo("default-echo"));
            Assert.That(counts.Add(line.GetProperty("RequestCount").GetInt64()), Is.True, "one line per call");
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task InternalRouters_AreLoggedOnlyWithAddInternals(bool addInternals)
    {
        await using var gw = await Gateway.StartAsync(api: new Api.ApiOptions(),
            accessLog: new AccessLogOptions { FilePath = LogFile, Format = AccessLogFormat.Json, AddInternals = addInternals });
        gw.Apply(Table([Router("dashboard", Api.ApiHandler.ServiceName, PathPrefix("/api"), priority: 10), Router("app", "svc", PathPrefix("/"))],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("http", []) }));
        using var http = Clients.Http();
        using (var api = await http.GetAsync($"http://127.0.0.1:{gw.Web.Port}/api/version"))
        {
            Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        (await http.GetAsync($"http://127.0.0.1:{gw.Web.Port}/app")).Dispose(); // 503: no server
        var expected = addInternals ? new[] { "dashboard", "app" } : ["app"];
        var lines = await ReadLinesAsync(gw, expected.Length);
        Assert.That(lines.Select(l => l.RootElement.GetProperty("RouterName").GetString()), Is.EqualTo(expected),
            "Traefik's shouldAccessLog: internal routers only with accessLog.addInternals");
    }

    [Test]
    public async Task CommonFormat_FiltersAndFields_AndARouterWithAccessLogsOff()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync(accessLog: new AccessLogOptions
        {
            FilePath = LogFile,
            StatusCodes = [(404, 404), (500, 599)],
        });
        var quiet = Router("quiet", "svc", PathPrefix("/quiet"), priority: 10) with { Observability = new ObservabilitySwitches(false, null, null, null) };
        gw.Apply(Table([quiet, Router("loud", "svc", PathPrefix("/loud"))],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("http", []) }));
        using var http = Clients.Http();
        var port = gw.Web.Port;
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/nowhere?q=1"))
        {
            request.Headers.UserAgent.ParseAdd("probe/1.0");
            (await http.SendAsync(request)).Dispose(); // 404: kept by the filter
        }

        (await http.GetAsync($"http://127.0.0.1:{port}/quiet")).Dispose();   // 503 (no server), router's access log off
        (await http.GetAsync($"http://127.0.0.1:{port}/loud")).Dispose();    // 503: kept
        await Wait.UntilAsync(() => Task.FromResult(gw.Host.AccessLog!.Written == 2), TimeSpan.FromSeconds(10), "two lines written");

        var lines = await File.ReadAllLinesAsync(LogFile);
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Does.Match("""^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET /nowhere\?q=1 HTTP/1\.1" 404 \d+ "-" "probe/1\.0" \d+ "-" "-" \d+ms$"""));
            Assert.That(lines[1], Does.Match("""^127\.0\.0\.1 - - \[.*\] "GET /loud HTTP/1\.1" 503 \d+ "-" "-" \d+ "loud" "-" \d+ms$"""));
        });
    }

    [Test]
    public async Task FieldsAndHeaders_AreKeptDroppedOrRedacted()
    {
        await using var gw = await Gateway.StartAsync(accessLog: new AccessLogOptions
        {
            FilePath = LogFile,
            Format = AccessLogFormat.Json,
            KeepFieldsByDefault = false,
            FieldModes = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase) { ["RequestPath"] = true, ["downstreamstatus"] = true },
            HeadersDefault = HeaderMode.Drop,
            HeaderModes = new Dictionary<string, HeaderMode>(StringComparer.OrdinalIgnoreCase) { ["X-Team"] = HeaderMode.Keep, ["Authorization"] = HeaderMode.Redact },
            KeepQueryParameters = false,
        });
        gw.Apply(Table([], new Dictionary<string, ServiceConfig>()));
        using var http = Clients.Http();
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{gw.Web.Port}/p?secret=1"))
        {
            request.Headers.Add("X-Team", "payments");
            request.Headers.Add("Authorization", "Bearer abc");
            request.Headers.Add("X-Other", "zzz");
            (await http.SendAsync(request)).Dispose();
        }

        var line = (await ReadLinesAsync(gw, 1))[0].RootElement;
        var names = line.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(names, Is.EquivalentTo(new[] { "DownstreamStatus", "RequestPath", "level", "msg", "time", "request_X-Team", "request_Authorization" }));
            Assert.That(line.GetProperty("RequestPath").GetString(), Is.EqualTo("/p"));
            Assert.That(line.GetProperty("request_X-Team").GetString(), Is.EqualTo("payments"));
            Assert.That(line.GetProperty("request_Authorization").GetString(), Is.EqualTo("REDACTED"));
        });
    }

    [Test]
    public async Task AWriterThatCannotWrite_DropsLinesAndCountsThem_CallsNeverWait()
    {
        var fifo = Path.Combine(_dir, "stuck.fifo");
        using (var mk = Process.Start("mkfifo", [fifo]))
        {
            await mk.WaitForExitAsync();
        }

        // Open the read end but never read: once the pipe's buffer is full, the writer blocks in write().
        var reader = Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Read));
        await using var gw = await Gateway.StartAsync(accessLog: new AccessLogOptions
        {
            FilePath = fifo,
            Format = AccessLogFormat.Json,
            BufferingSize = 4,
            HeadersDefault = HeaderMode.Keep,
        }, metrics: new Metrics.MetricsOptions { EntryPoint = "admin" });
        var pipe = await reader;
        try
        {
            await CallsAgainstAStuckWriterAsync(gw);
        }
        finally
        {
            // Drain the pipe so the writer can finish and the gateway stops; the drain ends (EOF) when the gateway
            // closes its end, so the read end is closed by the drain, not here (that would wait for the pending read).
            _ = Task.Run(async () =>
            {
                await pipe.CopyToAsync(Stream.Null);
                await pipe.DisposeAsync();
            });
        }
    }

    private static async Task CallsAgainstAStuckWriterAsync(Gateway gw)
    {
        var big = new string('x', 16 * 1024);
        gw.Apply(Table([], new Dictionary<string, ServiceConfig>()));
        using var http = Clients.Http();
        const int calls = 60;
        for (var i = 0; i < calls; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{gw.Web.Port}/x");
            request.Headers.Add("X-Big", big);
            using var response = await http.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        var log = gw.Host.AccessLog!;
        Assert.That(log.Dropped, Is.GreaterThan(0).And.LessThan(calls), "lines beyond the pipe's buffer and the queue are dropped");
        using var scrape = await http.GetAsync($"http://127.0.0.1:{gw.Admin.Port}/metrics");
        Assert.That(await scrape.Content.ReadAsStringAsync(), Does.Contain($"switchyard_accesslog_dropped_total {log.Dropped}"));
    }

    private async Task<List<JsonDocument>> ReadLinesAsync(Gateway gw, int count)
    {
        await Wait.UntilAsync(() => Task.FromResult(gw.Host.AccessLog!.Written >= count), TimeSpan.FromSeconds(10), () => $"{count} access log lines (written: {gw.Host.AccessLog!.Written})");
        var lines = await File.ReadAllLinesAsync(LogFile);
        Assert.That(lines, Has.Length.EqualTo(count), string.Join("\n", lines));
        return [.. lines.Select(l => JsonDocument.Parse(l))];
    }
}
