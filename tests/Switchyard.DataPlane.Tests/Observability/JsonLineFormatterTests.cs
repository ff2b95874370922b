using System.Buffers;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Switchyard.DataPlane.AccessLog;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>
/// The json access log line written by hand into the UTF-8 buffer: valid JSON, Traefik's values, and strings that
/// need escaping escaped exactly as System.Text.Json's relaxed encoder does (the writer's escaping before).
/// </summary>
public class JsonLineFormatterTests
{
    private const string Path = "/a\"b\\c\nd/é/😀\u007f";

    [Test]
    public void ValuesThatNeedEscaping_AreEscapedAsSystemTextJsonDoes_AndTheLineParses()
    {
        var entry = new AccessLogEntry
        {
            Method = "GET",
            Path = Path,
            Query = "?q=1",
            Protocol = "HTTP/1.1",
            Host = "[::1]:8080",
            ClientAddress = IPAddress.IPv6Loopback,
            ClientPort = 5000,
            EntryPoint = "web",
            RouterName = "r\"1",
            ServiceUrl = "http://10.0.0.1:8080",
            GrpcProtocol = Metrics.RequestLabels.Grpc,
            GrpcStatus = 3,
            GrpcMessage = "\u0001bad\ttab",
            DownstreamStatus = 200,
            StartUtc = new DateTime(2026, 12, 7, 1, 2, 3, DateTimeKind.Utc).AddTicks(1234567),
            RequestHeaders = { new("X-Name", "valüe \"q\"") },
        };
        var options = new AccessLogOptions { Format = AccessLogFormat.Json, HeadersDefault = HeaderMode.Keep };
        var buffer = new ArrayBufferWriter<byte>();

        new JsonLineFormatter(options).Write(entry, buffer);

        var text = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.That(text, Does.EndWith("}\n"));
        Assert.That(text.TrimEnd('\n'), Does.Not.Contain("\n"), "one line: the newline in the path is escaped");
        using var line = JsonDocument.Parse(text);
        var root = line.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("RequestPath").GetString(), Is.EqualTo(Path + "?q=1"));
            Assert.That(root.GetProperty("RequestPath").GetRawText(), Is.EqualTo(Escaped(Path + "?q=1")), "System.Text.Json's escaping");
            Assert.That(root.GetProperty("RouterName").GetRawText(), Is.EqualTo(Escaped("r\"1")));
            Assert.That(root.GetProperty("GrpcMessage").GetRawText(), Is.EqualTo(Escaped("\u0001bad\ttab")));
            Assert.That(root.GetProperty("request_X-Name").GetString(), Is.EqualTo("valüe \"q\""));
            Assert.That(root.GetProperty("ClientAddr").GetString(), Is.EqualTo("[::1]:5000"));
            Assert.That(root.GetProperty("ClientHost").GetString(), Is.EqualTo("::1"));
            Assert.That(root.GetProperty("ClientPort").GetString(), Is.EqualTo("5000"));
            Assert.That(root.GetProperty("RequestHost").GetString(), Is.EqualTo("::1"));
            Assert.That(root.GetProperty("RequestPort").GetString(), Is.EqualTo("8080"));
            Assert.That(root.GetProperty("ServiceAddr").GetString(), Is.EqualTo("10.0.0.1:8080"));
            Assert.That(root.GetProperty("StartUTC").GetString(), Is.EqualTo("2026-12-07T01:02:03.1234567Z"));
            Assert.That(root.GetProperty("GrpcStatus").GetInt32(), Is.EqualTo(3));
            Assert.That(root.GetProperty("DownstreamStatus").GetInt32(), Is.EqualTo(200));
            Assert.That(root.GetProperty("RequestScheme").GetString(), Is.EqualTo("http"));
            Assert.That(root.GetProperty("msg").GetString(), Is.Empty);
        });
        var names = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(names, Is.EqualTo(names.OrderBy(n => n, StringComparer.Ordinal).ToList()), "keys in byte order");
    }

    [Test]
    public void ConsecutiveLines_AreIndependentObjects()
    {
        var formatter = new JsonLineFormatter(new AccessLogOptions { Format = AccessLogFormat.Json, KeepFieldsByDefault = false });
        var buffer = new ArrayBufferWriter<byte>();
        var entry = new AccessLogEntry();

        formatter.Write(entry, buffer);
        formatter.Write(entry, buffer);

        var lines = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2));
        foreach (var l in lines)
        {
            using var doc = JsonDocument.Parse(l);
            Assert.That(doc.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "level", "msg", "time" }));
        }
    }

    [Test]
    public void ALineLongerThanTheLineBuffer_IsWrittenWhole_AndTheNextLineStartsAfresh()
    {
        var formatter = new JsonLineFormatter(new AccessLogOptions { Format = AccessLogFormat.Json, HeadersDefault = HeaderMode.Keep });
        var buffer = new ArrayBufferWriter<byte>();
        var longValue = new string('v', 10_000) + "\"end\"";
        var big = new AccessLogEntry { Method = "GET", Path = "/big", RequestHeaders = { new("X-Long", longValue), new("X-After", "kept") } };
        var small = new AccessLogEntry { Method = "GET", Path = "/small" };

        formatter.Write(big, buffer);
        formatter.Write(small, buffer);

        var lines = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2));
        using var first = JsonDocument.Parse(lines[0]);
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Multiple(() =>
        {
            Assert.That(first.RootElement.GetProperty("request_X-Long").GetString(), Is.EqualTo(longValue));
            Assert.That(first.RootElement.GetProperty("request_X-After").GetString(), Is.EqualTo("kept"));
            Assert.That(second.RootElement.GetProperty("RequestPath").GetString(), Is.EqualTo("/small"));
            Assert.That(second.RootElement.TryGetProperty("request_X-Long", out _), Is.False);
        });
    }

    [Test]
    public void TheTimeField_IsTheWritersBatchClock_NotTheWallClockAtEachLine()
    {
        // The writer anchors its clock once per batch; the lines of a batch carry that instant (logrus' time, to the second).
        var clock = new StartClock();
        var instant = new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(1234567);
        var formatter = new JsonLineFormatter(new AccessLogOptions { Format = AccessLogFormat.Json, KeepFieldsByDefault = false }, clock);
        var buffer = new ArrayBufferWriter<byte>();

        clock.Anchor(instant, System.Diagnostics.Stopwatch.GetTimestamp());
        formatter.Write(new AccessLogEntry(), buffer);
        formatter.Write(new AccessLogEntry(), buffer);
        clock.Anchor(instant.AddSeconds(1), System.Diagnostics.Stopwatch.GetTimestamp());
        formatter.Write(new AccessLogEntry(), buffer);

        var times = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => { using var doc = JsonDocument.Parse(l); return doc.RootElement.GetProperty("time").GetString(); });
        Assert.That(times, Is.EqualTo(new[] { Logrus(instant), Logrus(instant), Logrus(instant.AddSeconds(1)) }));
    }

    private static string Logrus(DateTime utc) =>
        new LocalClock().Local(utc).ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture);

    private static string Escaped(string value) => $"\"{JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"";
}
