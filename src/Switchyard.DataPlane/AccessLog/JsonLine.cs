using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// Composes one JSON object as UTF-8 in a reused array of its own (writer thread only), then hands the whole line to
/// the batch buffer in one copy: a field is a few stores at an index, not the GetSpan/Advance pairs on the batch's
/// IBufferWriter that each key, comma and value cost before (three interface calls per field, about forty fields a
/// line: the larger part of the writer's time per line in `perf`). Keys come pre-encoded with their quotes and colon,
/// numbers, times and addresses are formatted in place, and a string value that is printable ASCII without a quote or
/// backslash (nearly every value: paths, names, URLs, header values) is narrowed in one vectorized copy. Any other
/// string is escaped by a <see cref="Utf8JsonWriter"/> with the relaxed encoder, so escaping is exactly
/// System.Text.Json's. A field that prints what it printed on the previous line (<see cref="JsonField"/>) is copied
/// from that line, and side-by-side repeats (the request's method, path, port, protocol, scheme, the router, the
/// service, its address and URL) as one run: a typical gRPC line is a handful of copies between the values that
/// change (times, durations, ports, the request count). A line allocates nothing.
/// </summary>
internal sealed class JsonLine
{
    /// <summary>Characters a JSON string may carry as they are (printable ASCII but the quote and the backslash).</summary>
    private static readonly SearchValues<char> Verbatim = SearchValues.Create(
        " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private static readonly JsonWriterOptions EscapingOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private IBufferWriter<byte> _output = null!;
    private byte[] _line = new byte[4096];
    private int _length;

    /// <summary>The previous line's bytes, where repeating fields are copied from (the two arrays swap at each line's end).</summary>
    private byte[] _previous = new byte[4096];

    /// <summary>This line's number: a field printed on line <c>_number - 1</c> has its bytes in <see cref="_previous"/>.</summary>
    private long _number;

    /// <summary>Repeated fields not yet copied: one run of <see cref="_previous"/> (side-by-side repeats extend it).</summary>
    private int _runStart;
    private int _runLength;
    private bool _open;
    private ArrayBufferWriter<byte>? _escaped;
    private Utf8JsonWriter? _escaping;
    private IPAddress? _address;
    private readonly byte[] _addressText = new byte[128]; // more than the longest address text (IPv6 with a scope id)
    private int _addressLength;

    /// <summary>
    /// ,"Name": with its comma, quotes and colon, as UTF-8 (field names are ASCII identifiers). Every field starts
    /// with its comma, and <see cref="End"/> turns the line's first comma into the opening brace: no per-field check
    /// for the first field.
    /// </summary>
    public static byte[] Key(string name) => [(byte)',', (byte)'"', .. JsonEncodedText.Encode(name, EscapingOptions.Encoder).EncodedUtf8Bytes, (byte)'"', (byte)':'];

    public void Begin(IBufferWriter<byte> output)
    {
        _output = output;
        _length = 0;
        _runLength = 0;
        // A line left unended (its formatting threw) kept the previous line in _previous: skip a number, so no field
        // takes the unended line's positions for the previous line's.
        _number += _open ? 2 : 1;
        _open = true;
    }

    /// <summary>Closes the object and copies the line into the batch.</summary>
    public void End()
    {
        FlushRun();
        if (_length == 0)
        {
            Raw("{}\n"u8);
            _output.Write(_line.AsSpan(0, _length));
        }
        else
        {
            _line[0] = (byte)'{';
            Raw("}\n"u8);
            _output.Write(_line.AsSpan(0, _length));
            // Back to the first field's own comma: the next line may copy that field from here.
            _line[0] = (byte)',';
        }

        (_line, _previous) = (_previous, _line);
        _open = false;
    }

    /// <summary>
    /// A string field printed from <paramref name="source"/> (<paramref name="value"/> is it or a slice of it): the
    /// bytes printed last time when the source is the same instance or equal text (<see cref="JsonField"/>).
    /// </summary>
    public void String(JsonField field, string source, ReadOnlySpan<char> value)
    {
        if (!Repeated(field, source))
        {
            Fresh(field, source, value);
        }
    }

    /// <summary>
    /// Copies the field's bytes when it printed them last from <paramref name="source"/> (or equal text), before
    /// the caller derives its value from the source (a host's port, a gRPC path's method): on a repeat that work is
    /// skipped too.
    /// </summary>
    public bool Repeated(JsonField field, string source)
    {
        if (!field.Printed(_number - 1, source))
        {
            return false;
        }

        Copy(field);
        return true;
    }

    /// <summary>A string field printed from <paramref name="source"/> whose repeat was checked already (<see cref="Repeated"/>).</summary>
    public void Fresh(JsonField field, string source, ReadOnlySpan<char> value)
    {
        FlushRun();
        var start = _length;
        String(field.Key, value);
        field.Remember(_number, source, start, _length - start);
    }

    /// <summary>A number field: the bytes printed last time when the number is the same.</summary>
    public void Number(JsonField field, long value)
    {
        if (RepeatedNumber(field, value))
        {
            return;
        }

        var start = _length;
        Number(field.Key, value);
        field.Remember(_number, value, start, _length - start);
    }

    /// <summary>
    /// A field of a format's own ASCII text (no escaping) that is a function of <paramref name="source"/> (the
    /// scheme of the Https flag, logrus' constant level and msg, its time of a second): repeats join the run.
    /// </summary>
    public void Ascii(JsonField field, long source, ReadOnlySpan<byte> value)
    {
        if (RepeatedNumber(field, source))
        {
            return;
        }

        var start = _length;
        Ascii(field.Key, value);
        field.Remember(_number, source, start, _length - start);
    }

    /// <summary>
    /// A field whose bytes are a function of the number <paramref name="source"/>: copied when it printed them last
    /// from the same number; otherwise the pending run is flushed, so the caller prints the field fresh.
    /// </summary>
    private bool RepeatedNumber(JsonField field, long source)
    {
        if (field.Printed(_number - 1, source))
        {
            Copy(field);
            return true;
        }

        FlushRun();
        return false;
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

    /// <summary>
    /// Room for a quoted value of at most <paramref name="maxLength"/> bytes after the key, for a value formatted in
    /// place by its owner (the line's times); <see cref="Commit"/> closes it with the length written.
    /// </summary>
    public Span<byte> Value(byte[] key, int maxLength)
    {
        Name(key);
        var span = Reserve(maxLength + 2);
        span[0] = (byte)'"';
        return span.Slice(1, maxLength);
    }

    /// <summary>Closes the quoted value <see cref="Value"/> opened, <paramref name="written"/> bytes long.</summary>
    public void Commit(int written)
    {
        _line[_length + 1 + written] = (byte)'"';
        _length += written + 2;
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

        // ClientAddr and ClientHost print the same address, and a client's calls come in runs: the last address's
        // text is kept (equal addresses, scope included, format alike).
        if (!address.Equals(_address))
        {
            address.TryFormat(_addressText, out _addressLength);
            _address = address;
        }

        _addressText.AsSpan(0, _addressLength).CopyTo(span[n..]);
        var written = _addressLength;
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
        Raw(","u8);
        Quoted(name);
        Raw(":"u8);
        Quoted(value);
    }

    private void Name(byte[] key) => Raw(key);

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

    /// <summary>
    /// A field printed as on the previous line: its bytes there join the pending run when they follow it there (fields
    /// that repeat side by side were side by side before too), so a line's repeats cost a few copies, not one each.
    /// </summary>
    private void Copy(JsonField field)
    {
        int start;
        if (_runLength > 0 && field.Start == _runStart + _runLength)
        {
            start = _length + _runLength;
            _runLength += field.Length;
        }
        else
        {
            FlushRun();
            start = _length;
            _runStart = field.Start;
            _runLength = field.Length;
        }

        field.At(_number, start, field.Length);
    }

    /// <summary>Copies the pending run of repeated fields (before anything else is written).</summary>
    private void FlushRun()
    {
        if (_runLength == 0)
        {
            return;
        }

        var length = _runLength;
        _runLength = 0;
        _previous.AsSpan(_runStart, length).CopyTo(Reserve(length));
        _length += length;
    }

    /// <summary>Room for <paramref name="size"/> more bytes at the end of the line (the array grows for a rare long line).</summary>
    private Span<byte> Reserve(int size)
    {
        if (_runLength != 0)
        {
            FlushRun();
        }

        if (_length + size > _line.Length)
        {
            Array.Resize(ref _line, Math.Max(_line.Length * 2, _length + size));
        }

        return _line.AsSpan(_length);
    }
}
