using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Routing.Table;

/// <summary>
/// Traefik's circuitBreaker expression, parsed by the compiler into a <see cref="BreakerCondition"/> tree so the
/// data plane never parses it: <c>NetworkErrorRatio()</c>, <c>ResponseCodeRatio(from, to, dividedByFrom,
/// dividedByTo)</c> (ranges are [from, to)), <c>LatencyAtQuantileMS(q)</c>, compared with
/// <c>&gt; &lt; &gt;= &lt;= == !=</c> to a number, combined with <c>&amp;&amp;</c>, <c>||</c> and parentheses
/// (&amp;&amp; binds tighter). A bad expression is a compiler diagnostic naming the position. Compared and written
/// as its text.
/// </summary>
[JsonConverter(typeof(TextConverter))]
public sealed class BreakerExpression : IEquatable<BreakerExpression>
{
    private readonly string _text;
    private int _pos;

    private BreakerExpression(string text) => _text = text;

    /// <summary>The expression as written.</summary>
    public string Text => _text;

    /// <summary>The parsed expression.</summary>
    public BreakerCondition Condition { get; private set; } = null!;

    /// <summary>Parses <paramref name="expression"/>, or returns why it is invalid (with the position).</summary>
    public static BreakerExpression? TryParse(string expression, out string? error)
    {
        try
        {
            error = null;
            return Parse(expression);
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>Parses <paramref name="expression"/> or throws <see cref="ArgumentException"/> naming the position.</summary>
    public static BreakerExpression Parse(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new ArgumentException("the expression is empty");
        }

        var parser = new BreakerExpression(expression);
        var condition = parser.ParseOr();
        parser.SkipSpaces();
        if (parser._pos < expression.Length)
        {
            throw parser.Error($"unexpected '{expression[parser._pos..]}'");
        }

        parser.Condition = condition;
        return parser;
    }

    public bool Equals(BreakerExpression? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as BreakerExpression);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);

    public override string ToString() => _text;

    private BreakerCondition ParseOr()
    {
        var left = ParseAnd();
        while (Accept("||"))
        {
            left = new BreakerCondition.Or(left, ParseAnd());
        }

        return left;
    }

    private BreakerCondition ParseAnd()
    {
        var left = ParsePrimary();
        while (Accept("&&"))
        {
            left = new BreakerCondition.And(left, ParsePrimary());
        }

        return left;
    }

    private BreakerCondition ParsePrimary()
    {
        if (Accept("("))
        {
            var inner = ParseOr();
            Expect(")");
            return inner;
        }

        var metric = ParseMetric();
        var op = ParseOperator();
        var value = ParseNumber();
        return new BreakerCondition.Comparison(metric, op, value);
    }

    private BreakerMetric ParseMetric()
    {
        SkipSpaces();
        var start = _pos;
        while (_pos < _text.Length && char.IsAsciiLetter(_text[_pos]))
        {
            _pos++;
        }

        var name = _text[start.._pos];
        switch (name)
        {
            case "NetworkErrorRatio":
                Expect("(");
                Expect(")");
                return new BreakerMetric.NetworkErrorRatio();
            case "ResponseCodeRatio":
            {
                Expect("(");
                var from = ParseInt();
                Expect(",");
                var to = ParseInt();
                Expect(",");
                var dividedFrom = ParseInt();
                Expect(",");
                var dividedTo = ParseInt();
                Expect(")");
                if (from >= to || dividedFrom >= dividedTo)
                {
                    throw Error("ResponseCodeRatio needs ranges with from < to");
                }

                return new BreakerMetric.ResponseCodeRatio(from, to, dividedFrom, dividedTo);
            }

            case "LatencyAtQuantileMS":
            {
                Expect("(");
                var quantile = ParseNumber();
                Expect(")");
                if (quantile is <= 0 or > 100)
                {
                    throw Error("LatencyAtQuantileMS takes a quantile in (0, 100]");
                }

                return new BreakerMetric.LatencyAtQuantileMs(quantile);
            }

            default:
                _pos = start;
                throw Error(name.Length == 0
                    ? "expected NetworkErrorRatio(), ResponseCodeRatio(a, b, c, d) or LatencyAtQuantileMS(q)"
                    : $"unknown function '{name}' (known: NetworkErrorRatio, ResponseCodeRatio, LatencyAtQuantileMS)");
        }
    }

    private BreakerOperator ParseOperator()
    {
        foreach (var (token, op) in Operators)
        {
            if (Accept(token))
            {
                return op;
            }
        }

        throw Error("expected a comparison (>, <, >=, <=, ==, !=)");
    }

    private double ParseNumber()
    {
        SkipSpaces();
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] is '.' or '-' or '+' or 'e' or 'E'))
        {
            _pos++;
        }

        if (!double.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            _pos = start;
            throw Error("expected a number");
        }

        return value;
    }

    private int ParseInt()
    {
        var value = ParseNumber();
        if (value != Math.Floor(value) || value is < 0 or > 1000)
        {
            throw Error($"'{value.ToString(CultureInfo.InvariantCulture)}' is not a status code");
        }

        return (int)value;
    }

    private bool Accept(string token)
    {
        SkipSpaces();
        if (string.CompareOrdinal(_text, _pos, token, 0, token.Length) == 0)
        {
            _pos += token.Length;
            return true;
        }

        return false;
    }

    private void Expect(string token)
    {
        if (!Accept(token))
        {
            throw Error($"expected '{token}'");
        }
    }

    private void SkipSpaces()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private static readonly (string Token, BreakerOperator Op)[] Operators =
    [
        (">=", BreakerOperator.GreaterOrEqual), ("<=", BreakerOperator.LessOrEqual), ("==", BreakerOperator.Equal),
        ("!=", BreakerOperator.NotEqual), (">", BreakerOperator.Greater), ("<", BreakerOperator.Less),
    ];

    private ArgumentException Error(string what) =>
        new($"expression '{_text}': {what} at position {_pos + 1}");

    private sealed class TextConverter : JsonConverter<BreakerExpression>
    {
        public override BreakerExpression Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Parse(reader.GetString() ?? throw new JsonException("an expression is a string"));

        public override void Write(Utf8JsonWriter writer, BreakerExpression value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Text);
    }
}

/// <summary>A parsed circuitBreaker condition.</summary>
public abstract record BreakerCondition
{
    public sealed record Or(BreakerCondition Left, BreakerCondition Right) : BreakerCondition;

    public sealed record And(BreakerCondition Left, BreakerCondition Right) : BreakerCondition;

    public sealed record Comparison(BreakerMetric Metric, BreakerOperator Operator, double Value) : BreakerCondition;
}

/// <summary>A metric of the circuitBreaker language.</summary>
public abstract record BreakerMetric
{
    public sealed record NetworkErrorRatio : BreakerMetric;

    /// <summary>Calls with a status in [From, To) divided by calls with a status in [DividedFrom, DividedTo).</summary>
    public sealed record ResponseCodeRatio(int From, int To, int DividedFrom, int DividedTo) : BreakerMetric;

    public sealed record LatencyAtQuantileMs(double Quantile) : BreakerMetric;
}

public enum BreakerOperator
{
    Greater,
    Less,
    GreaterOrEqual,
    LessOrEqual,
    Equal,
    NotEqual,
}
