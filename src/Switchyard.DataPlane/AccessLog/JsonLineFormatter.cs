using System.Buffers;

namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// Traefik's JSON access log line (logrus' JSONFormatter: one object, keys in byte order, durations in
/// nanoseconds, plus level/msg/time), with our gRPC fields GrpcStatus, GrpcMessage, GrpcService, GrpcMethod.
/// Runs on the writer thread and allocates nothing per line: <see cref="JsonLine"/> composes the UTF-8 line from
/// pre-encoded keys and the captured strings or slices of them, and a field that prints what it printed on the
/// previous line (<see cref="JsonField"/>) copies those bytes. Field names: traefik
/// pkg/middlewares/accesslog/logdata.go.
/// </summary>
internal sealed class JsonLineFormatter
{
    private delegate void FieldWriter(JsonLine w, JsonField k, AccessLogEntry e, JsonLineFormatter f);

    // Sorted ordinally, as Go sorts map keys; "downstream_"/"request_" stand for the captured headers. A field printed
    // from a string instance or a number that repeats from line to line passes its JsonField (printed bytes reused);
    // values that change every line (times, durations, ports, counts) pass only its key.
    private static readonly (string Name, FieldWriter Write)[] Fields =
    [
        ("ClientAddr", (w, k, e, _) => { if (e.ClientAddress is { } ip) w.Address(k.Key, ip, e.ClientPort); else w.Ascii(k.Key, "-"u8); }),
        ("ClientHost", (w, k, e, _) => ClientHost(w, k.Key, e)),
        ("ClientPort", (w, k, e, _) => w.Formatted(k.Key, e.ClientPort)),
        ("ClientUsername", (w, k, e, _) => { var user = e.ClientUsername ?? "-"; w.String(k, user, user); }),
        ("DownstreamContentSize", (w, k, e, _) => w.Number(k, e.DownstreamContentLength)),
        ("DownstreamStatus", (w, k, e, _) => w.Number(k, e.DownstreamStatus)),
        ("Duration", (w, k, e, _) => w.Number(k.Key, LineValues.Nanoseconds(e.Duration))),
        ("GrpcMessage", (w, k, e, _) => { if (e.GrpcMessage is { } m) w.String(k.Key, m); }),
        ("GrpcMethod", (w, k, e, _) => GrpcPart(w, k, e, method: true)),
        ("GrpcService", (w, k, e, _) => GrpcPart(w, k, e, method: false)),
        ("GrpcStatus", (w, k, e, _) => { if (LineValues.HasGrpcStatus(e)) w.Number(k, e.GrpcStatus); }),
        ("OriginContentSize", (w, k, e, _) => w.Number(k, e.ServiceUrl is null ? 0 : e.DownstreamContentLength)),
        ("OriginDuration", (w, k, e, _) => w.Number(k.Key, LineValues.Nanoseconds(LineValues.Origin(e)))),
        ("OriginStatus", (w, k, e, _) => w.Number(k, e.OriginStatus)),
        ("Overhead", (w, k, e, _) => w.Number(k.Key, LineValues.Nanoseconds(e.Duration - LineValues.Origin(e)))),
        ("RequestAddr", (w, k, e, _) => { if (e.Host is { } h) w.String(k, h, h); }),
        ("RequestContentSize", (w, k, e, _) => w.Number(k, e.RequestContentLength)),
        ("RequestCount", (w, k, e, _) => w.Number(k.Key, e.RequestCount)),
        ("RequestHost", (w, k, e, _) => { if (e.Host is { } h && !w.Repeated(k, h)) w.Fresh(k, h, LineValues.HostOf(h)); }),
        ("RequestMethod", (w, k, e, _) => w.String(k, e.Method, e.Method)),
        ("RequestPath", (w, k, e, f) => RequestPath(w, k, e, f)),
        ("RequestPort", (w, k, e, _) => { if (e.Host is { } h && !w.Repeated(k, h)) w.Fresh(k, h, LineValues.PortOf(h)); }),
        ("RequestProtocol", (w, k, e, _) => w.String(k, e.Protocol, e.Protocol)),
        ("RequestScheme", (w, k, e, _) => w.Ascii(k, e.Https ? 1 : 0, e.Https ? "https"u8 : "http"u8)),
        ("RetryAttempts", (w, k, e, _) => w.Number(k, LineValues.Retries(e))),
        ("RouterName", (w, k, e, _) => { if (e.RouterName is { } r) w.String(k, r, r); }),
        ("ServiceAddr", (w, k, e, f) => { if (f._serviceAddresses.Of(e.ServiceUrl) is { } a) w.String(k, a, a); }),
        ("ServiceName", (w, k, e, _) => { if (e.ServiceName is { } s) w.String(k, s, s); }),
        ("ServiceURL", (w, k, e, _) => { if (e.ServiceUrl is { } u) w.String(k, u, u); }),
        ("StartLocal", (w, k, e, f) => w.Commit(f._times.Local(e.StartUtc, w.Value(k.Key, LineTimestamps.MaxLength)))),
        ("StartUTC", (w, k, e, f) => StartUtc(w, k.Key, e, f)),
        ("TLSCipher", (w, k, e, _) => { if (e.TlsCipher is { } c) w.String(k.Key, c.ToString()); }),
        ("TLSClientSubject", (w, k, e, _) => { if (e.TlsClientSubject is { } s) w.String(k.Key, s); }),
        ("TLSVersion", (w, k, e, _) => { if (e.Https) { var v = LineValues.TlsVersion(e.TlsProtocol); w.String(k, v, v); } }),
        ("downstream_", (w, _, e, f) => f.Headers(w, "downstream_", e.ResponseHeaders)),
        ("entryPointName", (w, k, e, _) => w.String(k, e.EntryPoint, e.EntryPoint)),
        ("level", (w, k, _, _) => w.Ascii(k, 0, "info"u8)),
        ("msg", (w, k, _, _) => w.Ascii(k, 0, ""u8)),
        ("request_", (w, _, e, f) => f.Headers(w, "request_", e.RequestHeaders)),
        ("time", (w, k, _, f) => w.Ascii(k, f.NowSecond(), f._time.AsSpan(0, f._timeLength))),
    ];

    private readonly AccessLogOptions _options;
    private readonly (JsonField Field, FieldWriter Write)[] _kept;
    private readonly JsonLine _line = new();
    private readonly LineText _text = new();
    private readonly LocalClock _clock = new();
    private readonly LineTimestamps _times;
    private readonly ServiceAddresses _serviceAddresses = new();
    private readonly StartClock? _batchClock;
    private readonly byte[] _time = new byte[64];
    private int _timeLength;
    private long _timeSecond = -1;

    /// <param name="batchClock">
    /// The writer's clock, anchored once per batch: logrus' time field is read from it rather than from the wall
    /// clock per line (a clock read was ~2 % of the writer's time a line). Null: the wall clock at each line.
    /// </param>
    public JsonLineFormatter(AccessLogOptions options, StartClock? batchClock = null)
    {
        _options = options;
        _batchClock = batchClock;
        _times = new LineTimestamps(_clock);
        // fields.names / defaultMode decide per field; level, msg and time are logrus' own and always written. The
        // header fields only when headers are captured at all: otherwise their lists are always empty, and reading
        // them was two more objects for the writer to fetch per line (most of a line's cost is such first touches).
        _kept = [.. Fields.Where(f => f.Name is "level" or "msg" or "time" || (f.Name.EndsWith('_') ? options.AnyHeaders : options.Keep(f.Name)))
            .Select(f => (new JsonField(f.Name), f.Write))];
    }

    public void Write(AccessLogEntry entry, IBufferWriter<byte> output)
    {
        _line.Begin(output);
        foreach (var (field, write) in _kept)
        {
            write(_line, field, entry, this);
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

    /// <summary>
    /// GrpcService or GrpcMethod: a gRPC call's path printed as last time copies its bytes before the path is split
    /// (the same path of a gRPC call always splits the same way; a non-gRPC call prints neither).
    /// </summary>
    private static void GrpcPart(JsonLine w, JsonField k, AccessLogEntry e, bool method)
    {
        if (e.GrpcProtocol != 0 && w.Repeated(k, e.Path))
        {
            return;
        }

        if (LineValues.GrpcPath(e, out var service, out var name))
        {
            w.Fresh(k, e.Path, method ? name : service);
        }
    }

    /// <summary>The path, with the query when it is kept and there is one (then composed anew, not reused).</summary>
    private static void RequestPath(JsonLine w, JsonField k, AccessLogEntry e, JsonLineFormatter f)
    {
        if (f._options.KeepQueryParameters && e.Query.Length > 0)
        {
            w.String(k.Key, LineValues.RequestPath(e, f._options, f._text.Clear()).Span);
        }
        else
        {
            w.String(k, e.Path, e.Path);
        }
    }

    /// <summary>"O" of a UTC time ends in Z; a time of another kind (only ever made by hand) is formatted in full.</summary>
    private static void StartUtc(JsonLine w, byte[] key, AccessLogEntry e, JsonLineFormatter f)
    {
        if (e.StartUtc.Kind == DateTimeKind.Utc)
        {
            w.Commit(f._times.Utc(e.StartUtc, w.Value(key, LineTimestamps.MaxLength)));
        }
        else
        {
            w.Formatted(key, e.StartUtc, "O");
        }
    }

    /// <summary>
    /// logrus' time (local, to the second), formatted once a second rather than per line into <see cref="_time"/>;
    /// returns the second (the text is a function of it: the field repeats within a second).
    /// </summary>
    private long NowSecond()
    {
        var now = _batchClock?.Now ?? DateTime.UtcNow;
        var second = now.Ticks / TimeSpan.TicksPerSecond;
        if (second != _timeSecond)
        {
            _clock.Local(now).TryFormat(_time, out _timeLength, "yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture);
            _timeSecond = second;
        }

        return second;
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
