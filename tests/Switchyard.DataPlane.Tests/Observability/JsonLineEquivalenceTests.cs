using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Authentication;
using System.Text;
using System.Text.RegularExpressions;
using Switchyard.DataPlane.AccessLog;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>
/// The json formatter's lines are byte for byte the lines of the formatter it replaced (<see cref="PreviousJsonLineFormatter"/>,
/// kept unchanged as the oracle), for a wide range of entries — odd addresses, hosts, header values that need
/// escaping, gRPC and not, TLS, times across second boundaries and of other kinds — under several fields settings.
/// </summary>
public partial class JsonLineEquivalenceTests
{
    private static readonly string[] OddValues =
    [
        "plain", "", "with \"quotes\"", "back\\slash", "tab\there", "new\nline", "nul\u0000", "del\u007f", "é-accent", "emoji 😀",
        "line\u2028separator", "<script>&'", "lone surrogate \ud800 end", new string('x', 5000) + "\"",
    ];

    private static IEnumerable<TestCaseData> Settings()
    {
        yield return new TestCaseData(new AccessLogOptions { Format = AccessLogFormat.Json }).SetName("defaults");
        yield return new TestCaseData(new AccessLogOptions { Format = AccessLogFormat.Json, HeadersDefault = HeaderMode.Keep, KeepQueryParameters = false })
            .SetName("headers kept, query dropped");
        yield return new TestCaseData(new AccessLogOptions
        {
            Format = AccessLogFormat.Json,
            HeadersDefault = HeaderMode.Redact,
            HeaderModes = new Dictionary<string, HeaderMode>(StringComparer.OrdinalIgnoreCase) { ["X-Keep"] = HeaderMode.Keep, ["X-Drop"] = HeaderMode.Drop },
            FieldModes = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase) { ["StartLocal"] = false, ["ClientHost"] = false },
        }).SetName("headers redacted, some fields dropped");
        yield return new TestCaseData(new AccessLogOptions
        {
            Format = AccessLogFormat.Json,
            KeepFieldsByDefault = false,
            FieldModes = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase) { ["StartUTC"] = true, ["ClientAddr"] = true, ["ServiceAddr"] = true },
        }).SetName("fields dropped by default");
    }

    [TestCaseSource(nameof(Settings))]
    public void EveryLine_IsTheLineThePreviousFormatterWrote(AccessLogOptions options) =>
        AssertSameLines(options, Entries(new Random(18), 3000), 3000);

    /// <summary>
    /// Calls in runs, as a gateway logs them: most fields print what they printed on the line before (the json line
    /// copies those bytes from it, side-by-side repeats as one run), a few change or come and go (a gRPC call among
    /// HTTP ones, a dropped host, another router). Also with fields kept whose first one repeats: the line's opening
    /// brace is the first field's comma, and a repeat copied from the line before must carry the comma.
    /// </summary>
    [TestCaseSource(nameof(Settings))]
    [TestCaseSource(nameof(FirstFieldRepeats))]
    public void EveryLine_OfCallsInRuns_IsTheLineThePreviousFormatterWrote(AccessLogOptions options) =>
        AssertSameLines(options, Runs(new Random(7), 3000), 3000);

    /// <summary>Formats every entry with both formatters, in order (each keeps state from line to line), and compares.</summary>
    private static void AssertSameLines(AccessLogOptions options, IEnumerable<AccessLogEntry> entries, int count)
    {
        var previous = new PreviousJsonLineFormatter(options);
        var current = new JsonLineFormatter(options);
        var before = new ArrayBufferWriter<byte>();
        var after = new ArrayBufferWriter<byte>();
        var compared = 0;
        foreach (var entry in entries)
        {
            before.ResetWrittenCount();
            after.ResetWrittenCount();
            previous.Write(entry, before);
            current.Write(entry, after);
            // logrus' time is the clock at formatting (the same code in both): a second may tick between the two.
            var expected = WithoutTime(Encoding.UTF8.GetString(before.WrittenSpan));
            var actual = WithoutTime(Encoding.UTF8.GetString(after.WrittenSpan));
            if (actual != expected)
            {
                Assert.That(actual, Is.EqualTo(expected), $"line {compared}");
            }

            compared++;
        }

        Assert.That(compared, Is.EqualTo(count));
    }

    private static IEnumerable<TestCaseData> FirstFieldRepeats()
    {
        yield return new TestCaseData(new AccessLogOptions
        {
            Format = AccessLogFormat.Json,
            KeepFieldsByDefault = false,
            FieldModes = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase) { ["ClientUsername"] = true, ["RouterName"] = true, ["ServiceName"] = true },
        }).SetName("first field repeats");
        yield return new TestCaseData(new AccessLogOptions
        {
            Format = AccessLogFormat.Json,
            KeepFieldsByDefault = false,
            FieldModes = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase) { ["GrpcMethod"] = true, ["GrpcService"] = true, ["RequestPort"] = true },
        }).SetName("first field comes and goes");
    }

    /// <summary>Entries that mostly repeat the one before (new path and host strings of equal text, as Kestrel hands them).</summary>
    private static IEnumerable<AccessLogEntry> Runs(Random random, int count)
    {
        string?[] routers = ["default-greeter@kubernetescrd", "default-other@kubernetescrd", null, "r\"odd"];
        string?[] hosts = ["127.0.0.1:8700", "example.com", null];
        string[] paths = ["/greet.Greeter/SayHello", "/greet.Greeter/SayBye", "/index.html"];
        var timestamp = Stopwatch.GetTimestamp();
        var start = new DateTime(2026, 12, 7, 9, 59, 59, DateTimeKind.Utc);
        var (router, host, path, grpc, status, user) = (routers[0], hosts[0], paths[0], Metrics.RequestLabels.Grpc, 200, (string?)null);
        for (var i = 0; i < count; i++)
        {
            // Now and then one thing changes; the rest repeats.
            switch (random.Next(12))
            {
                case 0: router = routers[random.Next(routers.Length)]; break;
                case 1: host = hosts[random.Next(hosts.Length)]; break;
                case 2: path = paths[random.Next(paths.Length)]; break;
                case 3: grpc = random.Next(2) == 0 ? 0 : Metrics.RequestLabels.Grpc; break;
                case 4: status = random.Next(2) == 0 ? 200 : 503; break;
                case 5: user = random.Next(2) == 0 ? null : "alice"; break;
            }

            start = start.AddTicks(random.Next(0, 3_000_000));
            yield return new AccessLogEntry
            {
                StartTimestamp = timestamp,
                EndTimestamp = timestamp + random.Next(0, 5_000_000),
                StartUtc = start,
                EntryPoint = "web",
                RouterName = router,
                ServiceName = router is null ? null : "default-greeter-80",
                ClientAddress = IPAddress.Loopback,
                ClientPort = 40_000 + random.Next(0, 32),
                Host = host is null ? null : new string(host),
                Method = "POST",
                Path = new string(path),
                Protocol = "HTTP/2",
                DownstreamStatus = status,
                DownstreamContentLength = 17,
                RequestContentLength = 12,
                GrpcProtocol = grpc,
                GrpcStatus = status == 200 ? 0 : 14,
                ClientUsername = user,
                RequestCount = i,
                ServiceUrl = router is null ? null : "http://127.0.0.1:9111",
                OriginStatus = status,
                OriginTicks = random.Next(0, 5_000_000),
                Attempts = 1,
            };
        }
    }

    [TestCase(0)]
    [TestCase(330)]
    [TestCase(-300)]
    [TestCase(-570)]
    public void StartTimes_AreTheRuntimesRoundTripFormat_InAnyZone(int offsetMinutes)
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("test", TimeSpan.FromMinutes(offsetMinutes), "test", "test");
        var clock = new LocalClock(zone);
        var times = new LineTimestamps(new LocalClock(zone));
        var buffer = new byte[LineTimestamps.MaxLength];
        var t = new DateTime(2026, 12, 31, 23, 59, 58, DateTimeKind.Utc);
        for (var i = 0; i < 500; i++)
        {
            // Steps of 9 ms and a bit: fractions with zeros, second, minute, day and year boundaries.
            t = t.AddTicks(90_001 * (i % 7 == 0 ? 7 : 1));
            var utc = Encoding.ASCII.GetString(buffer, 0, times.Utc(t, buffer));
            Assert.That(utc, Is.EqualTo(t.ToString("O", CultureInfo.InvariantCulture)));
            var local = Encoding.ASCII.GetString(buffer, 0, times.Local(t, buffer));
            Assert.That(local, Is.EqualTo(clock.Local(t).ToString("O", CultureInfo.InvariantCulture)));
        }
    }

    [Test]
    public void TheStartClock_GivesTheWallClockOfAStopwatchTimestamp()
    {
        var clock = new StartClock();
        var before = DateTime.UtcNow;
        var timestamp = Stopwatch.GetTimestamp();
        var after = DateTime.UtcNow;
        clock.Anchor();

        var start = clock.UtcOf(timestamp);

        Assert.That(start.Kind, Is.EqualTo(DateTimeKind.Utc));
        // Two clocks read a few instructions apart: a millisecond is room for the reads, not for a wrong time.
        Assert.That(start, Is.InRange(before.AddMilliseconds(-1), after.AddMilliseconds(1)));
    }

    private static string WithoutTime(string line) => TimeField().Replace(line, "");

    [GeneratedRegex("\"time\":\"[^\"]*\"")]
    private static partial Regex TimeField();

    private static IEnumerable<AccessLogEntry> Entries(Random random, int count)
    {
        IPAddress?[] addresses =
        [
            null, IPAddress.Loopback, IPAddress.Parse("203.0.113.77"), IPAddress.IPv6Loopback, IPAddress.Parse("fe80::1%3"),
            IPAddress.Parse("::ffff:10.1.2.3"), IPAddress.Parse("2001:db8::dead:beef"),
        ];
        string?[] hosts = [null, "example.com", "example.com:8080", "[::1]:8443", "[::1]", "127.0.0.1:80", "a:b:c", "odd\"host:1"];
        string?[] urls = [null, "http://10.0.0.1:8080", "h2c://127.0.0.1:9111", "https://[2001:db8::1]:443/prefix", "not a url"];
        string[] paths = ["/greet.Greeter/SayHello", "/", "/a/b/c", "/pkg.Svc/", "//x", "/p\u00e9\"ath\\", "/svc.S/M/extra"];
        var start = new DateTime(2026, 12, 7, 9, 59, 59, DateTimeKind.Utc);
        var timestamp = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            string Odd() => OddValues[random.Next(OddValues.Length)];
            start = start.AddTicks(random.Next(0, 3_000_000));
            var entry = new AccessLogEntry
            {
                StartTimestamp = timestamp,
                EndTimestamp = timestamp + random.Next(0, 50_000_000),
                StartUtc = i % 41 == 0 ? DateTime.SpecifyKind(start, i % 2 == 0 ? DateTimeKind.Unspecified : DateTimeKind.Local) : start,
                EntryPoint = random.Next(5) == 0 ? Odd() : "web",
                RouterName = random.Next(4) == 0 ? null : random.Next(5) == 0 ? Odd() : "default-greeter@kubernetescrd",
                ServiceName = random.Next(4) == 0 ? null : "default-greeter-80",
                ClientAddress = addresses[random.Next(addresses.Length)],
                ClientPort = random.Next(0, 65536),
                ForwardedFor = random.Next(4) == 0 ? Odd() : null,
                Host = hosts[random.Next(hosts.Length)],
                Method = random.Next(6) == 0 ? Odd() : "POST",
                Path = random.Next(6) == 0 ? Odd() : paths[random.Next(paths.Length)],
                Query = random.Next(3) == 0 ? "?a=1&b=\"2\"" : "",
                Protocol = random.Next(2) == 0 ? "HTTP/2" : "HTTP/1.1",
                Https = random.Next(3) == 0,
                TlsProtocol = random.Next(2) == 0 ? SslProtocols.Tls13 : SslProtocols.Tls12,
                TlsCipher = random.Next(2) == 0 ? System.Net.Security.TlsCipherSuite.TLS_AES_128_GCM_SHA256 : null,
                TlsClientSubject = random.Next(4) == 0 ? "CN=\"client\", O=é" : null,
                RequestContentLength = random.Next(0, 100_000),
                DownstreamStatus = random.Next(0, 600),
                DownstreamContentLength = random.Next(0, 100_000),
                GrpcProtocol = random.Next(3) switch { 0 => 0, 1 => Metrics.RequestLabels.Grpc, _ => Metrics.RequestLabels.GrpcWeb },
                GrpcStatus = random.Next(-2, 20),
                GrpcMessage = random.Next(3) == 0 ? Odd() : null,
                ClientUsername = random.Next(4) == 0 ? Odd() : null,
                RequestCount = random.NextInt64(),
                ServiceUrl = urls[random.Next(urls.Length)],
                OriginStatus = random.Next(0, 600),
                OriginTicks = random.Next(0, 50_000_000),
                Attempts = random.Next(0, 4),
            };
            for (var h = random.Next(0, 4); h > 0; h--)
            {
                var odd = Odd();
                entry.RequestHeaders.Add(new(random.Next(3) switch { 0 => "X-Keep", 1 => "X-Drop", _ => "X-" + odd[..Math.Min(8, odd.Length)] }, Odd()));
                entry.ResponseHeaders.Add(new(random.Next(2) == 0 ? "X-Keep" : "Content-Type", Odd()));
            }

            yield return entry;
        }
    }
}
