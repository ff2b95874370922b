using System.Globalization;

namespace Switchyard.DataPlane.Middlewares.Errors;

/// <summary>Inclusive status ranges as Traefik writes them: "404", "500-599".</summary>
public sealed class StatusRanges
{
    private readonly (int From, int To)[] _ranges;

    private StatusRanges((int, int)[] ranges) => _ranges = ranges;

    internal static StatusRanges Parse(IEnumerable<string> values, string field)
    {
        var ranges = new List<(int, int)>();
        foreach (var value in values)
        {
            ranges.Add(ParseOne(value, field));
        }

        return new StatusRanges([.. ranges]);
    }

    internal static (int From, int To) ParseOne(string value, string field)
    {
        var parts = value.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2 &&
            int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from) &&
            int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var to) &&
            from is >= 100 and <= 599 && to is >= 100 and <= 599 && from <= to)
        {
            return (from, to);
        }

        throw new ArgumentException($"{field} '{value}' is not a status code or range (e.g. 404 or 500-599)");
    }

    public bool Contains(int status)
    {
        foreach (var (from, to) in _ranges)
        {
            if (status >= from && status <= to)
            {
                return true;
            }
        }

        return false;
    }
}
