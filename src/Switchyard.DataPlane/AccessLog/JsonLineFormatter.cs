using System.Buffers;

namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// Traefik's JSON access log line (logrus' JSONFormatter: one object, keys in byte order, durations in
/// nanoseconds, plus level/msg/time), with our gRPC fields GrpcStatus, GrpcMessage, GrpcService, GrpcMethod.
/// Runs on the writer thread and allocates nothing per line: <see cref="JsonLine"/> writes UTF-8 straight into the
/// batch buffer from pre-encoded keys and the captured strings or slices of them. Field names: traefik
/// pkg/middlewares/accesslog/logdata.go.
/// </summary>
internal sealed class JsonLineFormatter
{
    private delegate void FieldWriter(JsonLine w, byte[] key, AccessLogEntry e, JsonLineFormatter f);

    // Sorted ordinally, as Go sorts map keys; "downstream_"/"request_" stand for the captured headers.
    private static readonly (string Name, FieldWriter Write)[] Fields =
    [
        ("ClientAddr", (w, k, e, _) => { if (e.ClientAddress is { } ip) w.Address(k, ip, e.ClientPort); else w.Ascii(k, "-"u8); }),
        ("ClientHost", (w, k, e, _) => ClientHost(w, k, e)),
        ("ClientPort", (w, k, e, _) => w.Formatted(k, e.ClientPort)),
        ("ClientUsername", (w, k, e, _) => w.String(k, e.ClientUsername ?? "-")),
        ("DownstreamContentSize", (w, k, e, _) => w.Number(k, e.DownstreamContentLength)),
        ("DownstreamStatus", (w, k, e, _) => w.Number(k, e.DownstreamStatus)),
        ("Duration", (w, k, e, _) => w.Number(k, LineValues.Nanoseconds(e.Duration))),
        ("GrpcMessage", (w, k, e, _) => { if (e.GrpcMessage is { } m) w.String(k, m); }),
        ("GrpcMethod", (w, k, e, f) => { if (LineValues.GrpcPath(e, out _, out var m)) w.String(k, m); }),
        ("GrpcService", (w, k, e, f) => { if (LineValues.GrpcPath(e, out var s, out _)) w.String(k, s); }),
        ("GrpcStatus", (w, k, e, _) => { if (LineValues.HasGrpcStatus(e)) w.Number(k, e.GrpcStatus); }),
        ("OriginContentSize", (w, k, e, _) => w.Number(k, e.ServiceUrl is null ? 0 : e.DownstreamContentLength)),
        ("OriginDuration", (w, k, e, _) => w.Number(k, LineValues.Nanoseconds(LineValues.Origin(e)))),
        ("OriginStatus", (w, k, e, _) => w.Number(k, e.OriginStatus)),
        ("Overhead", (w, k, e, _) => w.Number(k, LineValues.Nanoseconds(e.Duration - LineValues.Origin(e)))),
        ("RequestAddr", (w, k, e, _) => { if (e.Host is { } h) w.String(k, h); }),
        ("RequestContentSize", (w, k, e, _) => w.Number(k, e.RequestContentLength)),
        ("RequestCount", (w, k, e, _) => w.Number(k, e.RequestCount)),
        ("RequestHost", (w, k, e, _) => { if (e.Host is { } h) w.String(k, LineValues.HostOf(h)); }),
        ("RequestMethod", (w, k, e, _) => w.String(k, e.Method)),
        ("RequestPath", (w, k, e, f) => w.String(k, f._options.KeepQueryParameters && e.Query.Length > 0 ? LineValues.RequestPath(e, f._options, f._text.Clear()).Span : e.Path)),
        ("RequestPort", (w, k, e, _) => { if (e.Host is { } h) w.String(k, LineValues.PortOf(h)); }),
        ("RequestProtocol", (w, k, e, _) => w.String(k, e.Protocol)),
        ("RequestScheme", (w, k, e, _) => w.Ascii(k, e.Https ? "https"u8 : "http"u8)),
        ("RetryAttempts", (w, k, e, _) => w.Number(k, LineValues.Retries(e))),
        ("RouterName", (w, k, e, _) => { if (e.RouterName is { } r) w.String(k, r); }),
        ("ServiceAddr", (w, k, e, f) => { if (f._serviceAddresses.Of(e.ServiceUrl) is { } a) w.String(k, a); }),
        ("ServiceName", (w, k, e, _) => { if (e.ServiceName is { } s) w.String(k, s); }),
        ("ServiceURL", (w, k, e, _) => { if (e.ServiceUrl is { } u) w.String(k, u); }),
        ("StartLocal", (w, k, e, f) => w.Formatted(k, f._clock.Local(e.StartUtc), "O")),
        ("StartUTC", (w, k, e, _) => w.Formatted(k, e.StartUtc, "O")),
        ("TLSCipher", (w, k, e, _) => { if (e.TlsCipher is { } c) w.String(k, c.ToString()); }),
        ("TLSClientSubject", (w, k, e, _) => { if (e.TlsClientSubject is { } s) w.String(k, s); }),
        ("TLSVersion", (w, k, e, _) => { if (e.Https) w.String(k, LineValues.TlsVersion(e.TlsProtocol)); }),
        ("downstream_", (w, _, e, f) => f.Headers(w, "downstream_", e.ResponseHeaders)),
        ("entryPointName", (w, k, e, _) => w.String(k, e.EntryPoint)),
        ("level", (w, k, _, _) => w.Ascii(k, "info"u8)),
        ("msg", (w, k, _, _) => w.Ascii(k, ""u8)),
        ("request_", (w, _, e, f) => f.Headers(w, "request_", e.RequestHeaders)),
        ("time", (w, k, _, f) => w.Ascii(k, f.Now())),
    ];

    private readonly AccessLogOptions _options;
    private readonly (byte[] Key, FieldWriter Write)[] _kept;
    private readonly JsonLine _line = new();
    private readonly LineText _text = new();
    private readonly LocalClock _clock = new();
    private readonly ServiceAddresses _serviceAddresses = new();
    private readonly byte[] _time = new byte[64];
    private int _timeLength;
    private long _timeSecond = -1;

    public JsonLineFormatter(AccessLogOptions options)
    {
        _options = options;
        // fields.names / defaultMode decide per field; level, msg and time are logrus' own and always written.
        _kept = [.. Fields.Where(f => f.Name is "level" or "msg" or "time" || f.Name.EndsWith('_') || options.Keep(f.Name))
            .Select(f => (JsonLine.Key(f.Name), f.Write))];
    }

    public void Write(AccessLogEntry entry, IBufferWriter<byte> output)
    {
        _line.Begin(output);
        foreach (var (key, write) in _kept)
        {
            write(_line, key, entry, this);
        }

        _line.End();
    }

    /// <summary>Traefik: the X-Forwarded-For header when the client sent one, else the remote address.</summary>
    private static void ClientHost(JsonLine w, byte[] key, AccessLogEntry e)
    {
        if (e.ForwardedFor is { } forwarded)
        {
            w.String(key, forwarded);
        }
        else if (e.ClientAddress is { } ip)
        {
            w.Address(key, ip, null);
        }
        else
        {
            w.Ascii(key, "-"u8);
        }
    }

    /// <summary>logrus' time (local, to the second), formatted once a second rather than per line.</summary>
    private ReadOnlySpan<byte> Now()
    {
        var now = DateTime.UtcNow;
        var second = now.Ticks / TimeSpan.TicksPerSecond;
        if (second != _timeSecond)
        {
            _clock.Local(now).TryFormat(_time, out _timeLength, "yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture);
            _timeSecond = second;
        }

        return _time.AsSpan(0, _timeLength);
    }

    private void Headers(JsonLine w, string prefix, List<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers)
        {
            var mode = _options.ModeOf(name);
            if (mode != HeaderMode.Drop)
            {
                w.String(_text.Clear().Append(prefix).Append(name).Span, mode == HeaderMode.Keep ? value : "REDACTED");
            }
        }
    }
}
