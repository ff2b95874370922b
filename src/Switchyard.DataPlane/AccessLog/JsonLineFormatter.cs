using System.Buffers;
using System.Globalization;
using System.Security.Authentication;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// Traefik's JSON access log line (logrus' JSONFormatter: one object, keys in byte order, durations in
/// nanoseconds, plus level/msg/time), with our gRPC fields GrpcStatus, GrpcMessage, GrpcService, GrpcMethod.
/// Runs on the writer thread. Field names: traefik pkg/middlewares/accesslog/logdata.go.
/// </summary>
internal sealed class JsonLineFormatter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // Sorted ordinally, as Go sorts map keys; "downstream_"/"request_" stand for the captured headers.
    private static readonly (string Name, Action<Utf8JsonWriter, AccessLogEntry, AccessLogOptions> Write)[] Fields =
    [
        ("ClientAddr", (w, e, _) => w.WriteString("ClientAddr", LineValues.ClientAddr(e))),
        ("ClientHost", (w, e, _) => w.WriteString("ClientHost", LineValues.ClientHost(e))),
        ("ClientPort", (w, e, _) => w.WriteString("ClientPort", e.ClientPort.ToString(CultureInfo.InvariantCulture))),
        ("ClientUsername", (w, e, _) => w.WriteString("ClientUsername", e.ClientUsername ?? "-")),
        ("DownstreamContentSize", (w, e, _) => w.WriteNumber("DownstreamContentSize", e.DownstreamContentLength)),
        ("DownstreamStatus", (w, e, _) => w.WriteNumber("DownstreamStatus", e.DownstreamStatus)),
        ("Duration", (w, e, _) => w.WriteNumber("Duration", LineValues.Nanoseconds(e.Duration))),
        ("GrpcMessage", (w, e, _) => { if (e.GrpcMessage is { } m) w.WriteString("GrpcMessage", m); }),
        ("GrpcMethod", (w, e, _) => { if (LineValues.GrpcMethod(e) is { } m) w.WriteString("GrpcMethod", m); }),
        ("GrpcService", (w, e, _) => { if (LineValues.GrpcService(e) is { } s) w.WriteString("GrpcService", s); }),
        ("GrpcStatus", (w, e, _) => { if (LineValues.HasGrpcStatus(e)) w.WriteNumber("GrpcStatus", e.GrpcStatus); }),
        ("OriginContentSize", (w, e, _) => w.WriteNumber("OriginContentSize", e.ServiceUrl is null ? 0 : e.DownstreamContentLength)),
        ("OriginDuration", (w, e, _) => w.WriteNumber("OriginDuration", LineValues.Nanoseconds(LineValues.Origin(e)))),
        ("OriginStatus", (w, e, _) => w.WriteNumber("OriginStatus", e.OriginStatus)),
        ("Overhead", (w, e, _) => w.WriteNumber("Overhead", LineValues.Nanoseconds(e.Duration - LineValues.Origin(e)))),
        ("RequestAddr", (w, e, _) => { if (e.Host is { } h) w.WriteString("RequestAddr", h); }),
        ("RequestContentSize", (w, e, _) => w.WriteNumber("RequestContentSize", e.RequestContentLength)),
        ("RequestCount", (w, e, _) => w.WriteNumber("RequestCount", e.RequestCount)),
        ("RequestHost", (w, e, _) => { if (e.Host is { } h) w.WriteString("RequestHost", LineValues.SplitHostPort(h).Host); }),
        ("RequestMethod", (w, e, _) => w.WriteString("RequestMethod", e.Method)),
        ("RequestPath", (w, e, o) => w.WriteString("RequestPath", LineValues.RequestPath(e, o))),
        ("RequestPort", (w, e, _) => { if (e.Host is { } h) w.WriteString("RequestPort", LineValues.SplitHostPort(h).Port); }),
        ("RequestProtocol", (w, e, _) => w.WriteString("RequestProtocol", e.Protocol)),
        ("RequestScheme", (w, e, _) => w.WriteString("RequestScheme", e.Https ? "https" : "http")),
        ("RetryAttempts", (w, e, _) => w.WriteNumber("RetryAttempts", LineValues.Retries(e))),
        ("RouterName", (w, e, _) => { if (e.RouterName is { } r) w.WriteString("RouterName", r); }),
        ("ServiceAddr", (w, e, _) => { if (LineValues.ServiceAddr(e) is { } a) w.WriteString("ServiceAddr", a); }),
        ("ServiceName", (w, e, _) => { if (e.ServiceName is { } s) w.WriteString("ServiceName", s); }),
        ("ServiceURL", (w, e, _) => { if (e.ServiceUrl is { } u) w.WriteString("ServiceURL", u); }),
        ("StartLocal", (w, e, _) => w.WriteString("StartLocal", e.StartUtc.ToLocalTime().ToString("O", CultureInfo.InvariantCulture))),
        ("StartUTC", (w, e, _) => w.WriteString("StartUTC", e.StartUtc.ToString("O", CultureInfo.InvariantCulture))),
        ("TLSCipher", (w, e, _) => { if (e.TlsCipher is { } c) w.WriteString("TLSCipher", c.ToString()); }),
        ("TLSClientSubject", (w, e, _) => { if (e.TlsClientSubject is { } s) w.WriteString("TLSClientSubject", s); }),
        ("TLSVersion", (w, e, _) => { if (e.Https) w.WriteString("TLSVersion", LineValues.TlsVersion(e.TlsProtocol)); }),
        ("downstream_", (w, e, o) => Headers(w, "downstream_", e.ResponseHeaders, o)),
        ("entryPointName", (w, e, _) => w.WriteString("entryPointName", e.EntryPoint)),
        ("level", (w, _, _) => w.WriteString("level", "info")),
        ("msg", (w, _, _) => w.WriteString("msg", "")),
        ("request_", (w, e, o) => Headers(w, "request_", e.RequestHeaders, o)),
        ("time", (w, _, _) => w.WriteString("time", DateTimeOffset.Now.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture))),
    ];

    private readonly AccessLogOptions _options;
    private readonly (string Name, Action<Utf8JsonWriter, AccessLogEntry, AccessLogOptions> Write)[] _kept;
    private Utf8JsonWriter? _writer;

    public JsonLineFormatter(AccessLogOptions options)
    {
        _options = options;
        // fields.names / defaultMode decide per field; level, msg and time are logrus' own and always written.
        _kept = [.. Fields.Where(f => f.Name is "level" or "msg" or "time" || f.Name.EndsWith('_') || options.Keep(f.Name))];
    }

    public void Write(AccessLogEntry entry, IBufferWriter<byte> output)
    {
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(output, WriterOptions);
        }
        else
        {
            _writer.Reset(output);
        }

        _writer.WriteStartObject();
        foreach (var (_, write) in _kept)
        {
            write(_writer, entry, _options);
        }

        _writer.WriteEndObject();
        _writer.Flush();
        output.Write("\n"u8);
    }

    private static void Headers(Utf8JsonWriter w, string prefix, List<KeyValuePair<string, string>> headers, AccessLogOptions options)
    {
        foreach (var (name, value) in headers)
        {
            switch (options.ModeOf(name))
            {
                case HeaderMode.Keep:
                    w.WriteString(prefix + name, value);
                    break;
                case HeaderMode.Redact:
                    w.WriteString(prefix + name, "REDACTED");
                    break;
            }
        }
    }
}
