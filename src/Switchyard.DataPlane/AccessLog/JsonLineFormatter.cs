using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// Traefik's JSON access log line (logrus' JSONFormatter: one object, keys in byte order, durations in
/// nanoseconds, plus level/msg/time), with our gRPC fields GrpcStatus, GrpcMessage, GrpcService, GrpcMethod.
/// Runs on the writer thread and allocates nothing per line: keys are pre-encoded, values are written from the
/// captured strings, slices of them or text composed in a reused buffer. Field names: traefik
/// pkg/middlewares/accesslog/logdata.go.
/// </summary>
internal sealed class JsonLineFormatter
{
    private delegate void FieldWriter(Utf8JsonWriter w, JsonEncodedText key, AccessLogEntry e, JsonLineFormatter f);

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // Sorted ordinally, as Go sorts map keys; "downstream_"/"request_" stand for the captured headers.
    private static readonly (string Name, FieldWriter Write)[] Fields =
    [
        ("ClientAddr", (w, k, e, f) => w.WriteString(k, LineValues.ClientAddr(e, f._text.Clear()).Span)),
        ("ClientHost", (w, k, e, f) => w.WriteString(k, LineValues.ClientHost(e, f._text.Clear()).Span)),
        ("ClientPort", (w, k, e, f) => w.WriteString(k, f._text.Clear().Append(e.ClientPort).Span)),
        ("ClientUsername", (w, k, e, _) => w.WriteString(k, e.ClientUsername ?? "-")),
        ("DownstreamContentSize", (w, k, e, _) => w.WriteNumber(k, e.DownstreamContentLength)),
        ("DownstreamStatus", (w, k, e, _) => w.WriteNumber(k, e.DownstreamStatus)),
        ("Duration", (w, k, e, _) => w.WriteNumber(k, LineValues.Nanoseconds(e.Duration))),
        ("GrpcMessage", (w, k, e, _) => { if (e.GrpcMessage is { } m) w.WriteString(k, m); }),
        ("GrpcMethod", (w, k, e, f) => { if (LineValues.GrpcPath(e, out _, out var m)) w.WriteString(k, m); }),
        ("GrpcService", (w, k, e, f) => { if (LineValues.GrpcPath(e, out var s, out _)) w.WriteString(k, s); }),
        ("GrpcStatus", (w, k, e, _) => { if (LineValues.HasGrpcStatus(e)) w.WriteNumber(k, e.GrpcStatus); }),
        ("OriginContentSize", (w, k, e, _) => w.WriteNumber(k, e.ServiceUrl is null ? 0 : e.DownstreamContentLength)),
        ("OriginDuration", (w, k, e, _) => w.WriteNumber(k, LineValues.Nanoseconds(LineValues.Origin(e)))),
        ("OriginStatus", (w, k, e, _) => w.WriteNumber(k, e.OriginStatus)),
        ("Overhead", (w, k, e, _) => w.WriteNumber(k, LineValues.Nanoseconds(e.Duration - LineValues.Origin(e)))),
        ("RequestAddr", (w, k, e, _) => { if (e.Host is { } h) w.WriteString(k, h); }),
        ("RequestContentSize", (w, k, e, _) => w.WriteNumber(k, e.RequestContentLength)),
        ("RequestCount", (w, k, e, _) => w.WriteNumber(k, e.RequestCount)),
        ("RequestHost", (w, k, e, _) => { if (e.Host is { } h) w.WriteString(k, LineValues.HostOf(h)); }),
        ("RequestMethod", (w, k, e, _) => w.WriteString(k, e.Method)),
        ("RequestPath", (w, k, e, f) => w.WriteString(k, LineValues.RequestPath(e, f._options, f._text.Clear()).Span)),
        ("RequestPort", (w, k, e, _) => { if (e.Host is { } h) w.WriteString(k, LineValues.PortOf(h)); }),
        ("RequestProtocol", (w, k, e, _) => w.WriteString(k, e.Protocol)),
        ("RequestScheme", (w, k, e, _) => w.WriteString(k, e.Https ? "https" : "http")),
        ("RetryAttempts", (w, k, e, _) => w.WriteNumber(k, LineValues.Retries(e))),
        ("RouterName", (w, k, e, _) => { if (e.RouterName is { } r) w.WriteString(k, r); }),
        ("ServiceAddr", (w, k, e, f) => { if (f._serviceAddresses.Of(e.ServiceUrl) is { } a) w.WriteString(k, a); }),
        ("ServiceName", (w, k, e, _) => { if (e.ServiceName is { } s) w.WriteString(k, s); }),
        ("ServiceURL", (w, k, e, _) => { if (e.ServiceUrl is { } u) w.WriteString(k, u); }),
        ("StartLocal", (w, k, e, f) => w.WriteString(k, f._text.Clear().Append(f._clock.Local(e.StartUtc), "O").Span)),
        ("StartUTC", (w, k, e, f) => w.WriteString(k, f._text.Clear().Append(e.StartUtc, "O").Span)),
        ("TLSCipher", (w, k, e, _) => { if (e.TlsCipher is { } c) w.WriteString(k, c.ToString()); }),
        ("TLSClientSubject", (w, k, e, _) => { if (e.TlsClientSubject is { } s) w.WriteString(k, s); }),
        ("TLSVersion", (w, k, e, _) => { if (e.Https) w.WriteString(k, LineValues.TlsVersion(e.TlsProtocol)); }),
        ("downstream_", (w, _, e, f) => f.Headers(w, "downstream_", e.ResponseHeaders)),
        ("entryPointName", (w, k, e, _) => w.WriteString(k, e.EntryPoint)),
        ("level", (w, k, _, _) => w.WriteString(k, "info")),
        ("msg", (w, k, _, _) => w.WriteString(k, "")),
        ("request_", (w, _, e, f) => f.Headers(w, "request_", e.RequestHeaders)),
        ("time", (w, k, _, f) => w.WriteString(k, f._text.Clear().Append(f._clock.Local(DateTime.UtcNow), "yyyy-MM-ddTHH:mm:ssK").Span)),
    ];

    private readonly AccessLogOptions _options;
    private readonly (JsonEncodedText Key, FieldWriter Write)[] _kept;
    private readonly LineText _text = new();
    private readonly LocalClock _clock = new();
    private readonly ServiceAddresses _serviceAddresses = new();
    private Utf8JsonWriter? _writer;

    public JsonLineFormatter(AccessLogOptions options)
    {
        _options = options;
        // fields.names / defaultMode decide per field; level, msg and time are logrus' own and always written.
        _kept = [.. Fields.Where(f => f.Name is "level" or "msg" or "time" || f.Name.EndsWith('_') || options.Keep(f.Name))
            .Select(f => (JsonEncodedText.Encode(f.Name, WriterOptions.Encoder), f.Write))];
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
        foreach (var (key, write) in _kept)
        {
            write(_writer, key, entry, this);
        }

        _writer.WriteEndObject();
        _writer.Flush();
        output.Write("\n"u8);
    }

    private void Headers(Utf8JsonWriter w, string prefix, List<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers)
        {
            var mode = _options.ModeOf(name);
            if (mode != HeaderMode.Drop)
            {
                w.WriteString(_text.Clear().Append(prefix).Append(name).Span, mode == HeaderMode.Keep ? value : "REDACTED");
            }
        }
    }
}
