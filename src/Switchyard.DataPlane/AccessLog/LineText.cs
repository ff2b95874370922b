using System.Globalization;

namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// A reusable character buffer the line formatters compose text in (writer thread only), so a line's addresses,
/// times, numbers and joined values cost no string of their own.
/// </summary>
internal sealed class LineText
{
    private char[] _chars = new char[512];
    private int _length;

    public ReadOnlySpan<char> Span => _chars.AsSpan(0, _length);

    public int Length => _length;

    public LineText Clear()
    {
        _length = 0;
        return this;
    }

    public LineText Append(char value)
    {
        Reserve(1)[0] = value;
        _length++;
        return this;
    }

    public LineText Append(ReadOnlySpan<char> value)
    {
        value.CopyTo(Reserve(value.Length));
        _length += value.Length;
        return this;
    }

    /// <summary>A number, an address or a time, formatted in place (invariant culture).</summary>
    public LineText Append<T>(T value, ReadOnlySpan<char> format = default) where T : ISpanFormattable
    {
        int written;
        while (!value.TryFormat(_chars.AsSpan(_length), out written, format, CultureInfo.InvariantCulture))
        {
            Grow(_chars.Length);
        }

        _length += written;
        return this;
    }

    private Span<char> Reserve(int count)
    {
        if (_chars.Length - _length < count)
        {
            Grow(count);
        }

        return _chars.AsSpan(_length, count);
    }

    private void Grow(int atLeast) => Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _length + atLeast));
}
