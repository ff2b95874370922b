// The json access log formatter as it was at 97eddbe (JsonLine + JsonLineFormatter, renamed), kept unchanged as the
// oracle the current formatter's lines are compared with byte for byte (JsonLineEquivalenceTests) and as the
// "before" of bench/Bench.AccessLog. Not used by the gateway.
using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Switchyard.DataPlane.AccessLog;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>
/// Composes one JSON object as UTF-8 in a reused array of its own (writer thread only), then hands the whole line to
/// the batch buffer in one copy: a field is a few stores at an index, not the GetSpan/Advance pairs on the batch's
/// IBufferWriter that each key, comma and value cost before (three interface calls per field, about forty fields a
/// line: the larger part of the writer's time per line in `perf`). Keys come pre-encoded with their quotes and colon,
/// numbers, times and addresses are formatted in place, and a string value that is printable ASCII without a quote or
/// backslash (nearly every value: paths, names, URLs, header values) is narrowed in one vectorized copy. Any other
/// string is escaped by a <see cref="Utf8JsonWriter"/> with the relaxed encoder, so escaping is exactly
/// System.Text.Json's. A line allocates nothing.
/// </summary>
internal sealed class PreviousJsonLine
{
    /// <summary>Characters a JSON string may carry as they are (printable ASCII but the quote and the backslash).</summary>
    private static readonly SearchValues<char> Verbatim = SearchValues.Create(
        " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private static readonly JsonWriterOptions EscapingOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private IBufferWriter<byte> _output = null!;
    private byte[] _line = new byte[4096];
    private int _length;
    private ArrayBufferWriter<byte>? _escaped;
    private Utf8JsonWriter? _escaping;
    private bool _first;

    /// <summary>"Name": with its quotes and colon, as UTF-8 (field names are ASCII identifiers).</summary>
    public static byte[] Key(string name) => [(byte)'"', .. JsonEncodedText.Encode(name, EscapingOptions.Encoder).EncodedUtf8Bytes, (byte)'"', (byte)':'];

    public void Begin(IBufferWriter<byte> output)
    {
        _output = output;
        _first = true;
        _length = 0;
        Raw("{"u8);
    }

    /// <summary>Closes the object and copies the line into the batch.</summary>
    public void End()
    {
        Raw("}\n"u8);
        _output.Write(_line.AsSpan(0, _length));
    }

    public void String(byte[] key, ReadOnlySpan<char> value)
    {
        Name(key);
        Quoted(value);
    }

    /// <summary>A string value already known to need no escaping (a format's own ASCII output).</summary>
    public void Ascii(byte[] key, ReadOnlySpan<byte> value)
    {
        Name(key);
        var span = Reserve(value.Length + 2);
        span[0] = (byte)'"';
        value.CopyTo(span[1..]);
        span[value.Length + 1] = (byte)'"';
        _length += value.Length + 2;
    }

    public void Number(byte[] key, long value)
    {
        Name(key);
        value.TryFormat(Reserve(20), out var written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>A time, an address or a port as a quoted string, formatted as UTF-8 in place.</summary>
    public void Formatted<T>(byte[] key, T value, ReadOnlySpan<char> format = default) where T : IUtf8SpanFormattable
    {
        Name(key);
        var size = 64;
        while (true)
        {
            var span = Reserve(size + 2);
            if (value.TryFormat(span[1..^1], out var written, format, CultureInfo.InvariantCulture))
            {
                span[0] = (byte)'"';
                span[written + 1] = (byte)'"';
                _length += written + 2;
                return;
            }

            size *= 2;
        }
    }

    /// <summary>An IP address and an optional port: "1.2.3.4", "1.2.3.4:5678" or "[::1]:5678".</summary>
    public void Address(byte[] key, IPAddress address, int? port)
    {
        Name(key);
        var span = Reserve(128);
        var n = 0;
        span[n++] = (byte)'"';
        var bracket = port is not null && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (bracket)
        {
            span[n++] = (byte)'[';
        }

        address.TryFormat(span[n..], out var written);
        n += written;
        if (bracket)
        {
            span[n++] = (byte)']';
        }

        if (port is { } p)
        {
            span[n++] = (byte)':';
            p.TryFormat(span[n..], out written, default, CultureInfo.InvariantCulture);
            n += written;
        }

        span[n++] = (byte)'"';
        _length += n;
    }

    /// <summary>A key composed at run time (a header's prefix and name) with its string value.</summary>
    public void String(ReadOnlySpan<char> name, ReadOnlySpan<char> value)
    {
        Separator();
        Quoted(name);
        Raw(":"u8);
        Quoted(value);
    }

    private void Name(byte[] key)
    {
        Separator();
        Raw(key);
    }

    private void Separator()
    {
        if (_first)
        {
            _first = false;
        }
        else
        {
            Raw(","u8);
        }
    }

    private void Quoted(ReadOnlySpan<char> value)
    {
        if (value.ContainsAnyExcept(Verbatim))
        {
            // Rare: let System.Text.Json escape it (a fresh root value: no separator of its own).
            _escaped ??= new ArrayBufferWriter<byte>(256);
            _escaped.ResetWrittenCount();
            _escaping ??= new Utf8JsonWriter(_escaped, EscapingOptions);
            _escaping.Reset(_escaped);
            _escaping.WriteStringValue(value);
            _escaping.Flush();
            Raw(_escaped.WrittenSpan);
            return;
        }

        var span = Reserve(value.Length + 2);
        span[0] = (byte)'"';
        System.Text.Ascii.FromUtf16(value, span[1..], out var written);
        span[written + 1] = (byte)'"';
        _length += written + 2;
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _length += bytes.Length;
    }

    /// <summary>Room for <paramref name="size"/> more bytes at the end of the line (the array grows for a rare long line).</summary>
    private Span<byte> Reserve(int size)
    {
        if (_length + size > _line.Length)
        {
            Array.Resize(ref _line, Math.Max(_line.Length * 2, _length + size));
        }

        return _line.AsSpan(_length);
    }
}



/// <summary>
/// Traefik's JSON access log line (logrus' JSONFormatter: one object, keys in byte order, durations in
/// nanoseconds, plus level/msg/time), with our gRPC fields GrpcStatus, GrpcMessage, GrpcService, GrpcMethod.
/// Runs on the writer thread and allocates nothing per line: <see cref="PreviousJsonLine"/> writes UTF-8 straight into the
/// batch buffer from pre-encoded keys and the captured strings or slices of them. Field names: traefik
/// pkg/middlewares/accesslog/logdata.go.
/// </summary>
internal sealed class PreviousJsonLineFormatter
{
    private delegate void FieldWriter(PreviousJsonLine w, byte[] key, AccessLogEntry e, PreviousJsonLineFormatter f);

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
    private readonly PreviousJsonLine _line = new();
    private readonly LineText _text = new();
    private readonly LocalClock _clock = new();
    private readonly ServiceAddresses _serviceAddresses = new();
    private readonly byte[] _time = new byte[64];
    private int _timeLength;
    private long _timeSecond = -1;

    public PreviousJsonLineFormatter(AccessLogOptions options)
    {
        _options = options;
        // fields.names / defaultMode decide per field; level, msg and time are logrus' own and always written.
        _kept = [.. Fields.Where(f => f.Name is "level" or "msg" or "time" || f.Name.EndsWith('_') || options.Keep(f.Name))
            .Select(f => (PreviousJsonLine.Key(f.Name), f.Write))];
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
    private static void ClientHost(PreviousJsonLine w, byte[] key, AccessLogEntry e)
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

    private void Headers(PreviousJsonLine w, string prefix, List<KeyValuePair<string, string>> headers)
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
