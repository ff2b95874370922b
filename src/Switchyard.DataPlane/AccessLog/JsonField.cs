namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// One field of a json line: its name pre-encoded as <c>,"Name":</c>, and what it printed on the previous line —
/// from which source and where in that line. Most fields of consecutive lines print the same thing (the router, the
/// service, its URL, the method, the path of a gRPC method, status 200): when a field's source is the same string as
/// last time (the same instance — the route's names — or equal text — each request's own path and host strings), or
/// the same number, <see cref="JsonLine"/> copies its bytes from the previous line instead of scanning, escaping and
/// formatting them again, and fields that repeat side by side are copied as one run. Writer thread only.
/// </summary>
internal sealed class JsonField(string name)
{
    public string Name { get; } = name;

    /// <summary><c>,"Name":</c> as UTF-8 (the line's first comma becomes its opening brace).</summary>
    public byte[] Key { get; } = JsonLine.Key(name);

    /// <summary>The string the field was printed from (null: a number, or nothing).</summary>
    internal string? Source;

    internal long Number;

    internal bool HasNumber;

    /// <summary>The line (<see cref="JsonLine"/>'s count) the field was last printed in; only the previous line's bytes are kept.</summary>
    internal long Line = -1;

    /// <summary>Where the field's bytes (key included) are in that line.</summary>
    internal int Start;

    internal int Length;

    /// <summary>Whether the field printed <paramref name="source"/> (or equal text) on line <paramref name="line"/>.</summary>
    public bool Printed(long line, string source) =>
        // A field's value is a function of its source string (the formatter's options being fixed): equal text, equal bytes.
        Line == line && (ReferenceEquals(source, Source) || (Source is { } last && source.Length == last.Length && source.AsSpan().SequenceEqual(last)));

    /// <summary>Whether the field printed <paramref name="number"/> on line <paramref name="line"/>.</summary>
    public bool Printed(long line, long number) => Line == line && HasNumber && number == Number;

    public void Remember(long line, string source, int start, int length)
    {
        Source = source;
        HasNumber = false;
        At(line, start, length);
    }

    public void Remember(long line, long number, int start, int length)
    {
        Source = null;
        Number = number;
        HasNumber = true;
        At(line, start, length);
    }

    /// <summary>The field's bytes (printed from the same source as before) are at <paramref name="start"/> of line <paramref name="line"/>.</summary>
    public void At(long line, int start, int length)
    {
        Line = line;
        Start = start;
        Length = length;
    }
}
