namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// One field of a json line: its name pre-encoded as <c>,"Name":</c>, and the bytes it printed last together with
/// what they were printed from. Most fields of consecutive lines print the same thing (the router, the service, its
/// URL, the method, the path of a gRPC method, status 200): when a field's source is the same string as last time
/// (the same instance — the route's names — or equal text — each request's own path and host strings), or the same
/// number, its bytes are copied instead of scanned, escaped and formatted again. Writer thread only.
/// </summary>
internal sealed class JsonField(string name)
{
    /// <summary>Values longer than this are printed each time, not kept.</summary>
    private const int MaxKept = 512;

    private byte[] _printed = new byte[64];
    private int _length;
    private string? _source;
    private long _number;
    private bool _hasNumber;

    public string Name { get; } = name;

    /// <summary><c>,"Name":</c> as UTF-8 (the line's first comma becomes its opening brace).</summary>
    public byte[] Key { get; } = JsonLine.Key(name);

    /// <summary>The field as printed last, when it was printed from <paramref name="source"/> (or an equal string).</summary>
    public bool Printed(string source, out ReadOnlySpan<byte> printed)
    {
        // A field's value is a function of its source string (the formatter's options being fixed): equal text, equal bytes.
        var same = ReferenceEquals(source, _source) || (_source is { } last && source.Length == last.Length && source.AsSpan().SequenceEqual(last));
        printed = same ? _printed.AsSpan(0, _length) : default;
        return same;
    }

    /// <summary>The field as printed last, when it was printed from <paramref name="number"/>.</summary>
    public bool Printed(long number, out ReadOnlySpan<byte> printed)
    {
        var same = _hasNumber && number == _number;
        printed = same ? _printed.AsSpan(0, _length) : default;
        return same;
    }

    public void Remember(string source, ReadOnlySpan<byte> printed)
    {
        _hasNumber = false;
        _source = Keep(printed) ? source : null;
    }

    public void Remember(long number, ReadOnlySpan<byte> printed)
    {
        _source = null;
        _hasNumber = Keep(printed);
        _number = number;
    }

    private bool Keep(ReadOnlySpan<byte> printed)
    {
        if (printed.Length > MaxKept)
        {
            return false;
        }

        if (printed.Length > _printed.Length)
        {
            _printed = new byte[MaxKept];
        }

        printed.CopyTo(_printed);
        _length = printed.Length;
        return true;
    }
}
