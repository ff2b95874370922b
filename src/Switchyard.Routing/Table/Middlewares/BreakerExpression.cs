using System.Globalization;
using System.Text.Json.Serialization;

namespace Switchyard.Routing.Table;

/// <summary>
/// Traefik's circuitBreaker expression, parsed by the compiler into a <see cref="BreakerCondition"/> tree so the
/// data plane never parses it: <c>NetworkErrorRatio()</c>, <c>ResponseCodeRatio(from, to, dividedByFrom,
/// dividedByTo)</c> (ranges are [from, to)), <c>LatencyAtQuantileMS(q)</c>, compared with
/// <c>&gt; &lt; &gt;= &lt;= == !=</c> to a number, combined with <c>&amp;&amp;</c>, <c>||</c> and parentheses
/// (&amp;&amp; binds tighter). Bounded as <see cref="ExpressionCursor"/> says (Traefik has no bound). A bad expression
/// is a compiler diagnostic naming the position. Compared and written as its text.
/// </summary>
[JsonConverter(typeof(ExpressionTextConverter<BreakerExpression>))]
public sealed class BreakerExpression : IEquatable<BreakerExpression>, IParsedExpression<BreakerExpression>
{
    private readonly ExpressionCursor _cursor;

    private BreakerExpression(ExpressionCursor cursor) => _cursor = cursor;

    /// <summary>The expression as written.</summary>
    public string Text => _cursor.Text;

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
        var parser = new BreakerExpression(ExpressionCursor.Start(expression, "expression"));
        var condition = parser.ParseOr();
        parser._cursor.ExpectEnd();
        parser.Condition = condition;
        return parser;
    }

    public bool Equals(BreakerExpression? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as BreakerExpression);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    public override string ToString() => Text;

    private BreakerCondition ParseOr()
    {
        var left = ParseAnd();
        while (_cursor.Accept("||"))
        {
            left = Nest(new BreakerCondition.Or(left, ParseAnd()));
        }

        return left;
    }

    private BreakerCondition ParseAnd()
    {
        var left = ParsePrimary();
        while (_cursor.Accept("&&"))
        {
            left = Nest(new BreakerCondition.And(left, ParsePrimary()));
        }

        return left;
    }

    private BreakerCondition Nest(BreakerCondition condition)
    {
        _cursor.CheckDepth(condition.Depth);
        return condition;
    }

    private BreakerCondition ParsePrimary()
    {
        var at = _cursor.Skip();
        if (_cursor.Accept("("))
        {
            _cursor.Enter(at);
            var inner = ParseOr();
            _cursor.Expect(")");
            _cursor.Leave();
            return inner;
        }

        var metric = ParseMetric();
        if (!_cursor.TryAcceptOperator(out _, out var op))
        {
            throw _cursor.Error("expected a comparison (>, <, >=, <=, ==, !=)");
        }

        var value = ParseNumber();
        return new BreakerCondition.Comparison(metric, op, value);
    }

    private BreakerMetric ParseMetric()
    {
        var start = _cursor.Skip();
        while (!_cursor.AtEnd && char.IsAsciiLetter(_cursor.Current))
        {
            _cursor.Pos++;
        }

        var name = Text[start.._cursor.Pos];
        switch (name)
        {
            case "NetworkErrorRatio":
                _cursor.Expect("(");
                _cursor.Expect(")");
                return new BreakerMetric.NetworkErrorRatio();
            case "ResponseCodeRatio":
            {
                _cursor.Expect("(");
                var from = ParseInt();
                _cursor.Expect(",");
                var to = ParseInt();
                _cursor.Expect(",");
                var dividedFrom = ParseInt();
                _cursor.Expect(",");
                var dividedTo = ParseInt();
                _cursor.Expect(")");
                if (from >= to || dividedFrom >= dividedTo)
                {
                    throw _cursor.Error("ResponseCodeRatio needs ranges with from < to");
                }

                return new BreakerMetric.ResponseCodeRatio(from, to, dividedFrom, dividedTo);
            }

            case "LatencyAtQuantileMS":
            {
                _cursor.Expect("(");
                var quantile = ParseNumber();
                _cursor.Expect(")");
                if (quantile is <= 0 or > 100)
                {
                    throw _cursor.Error("LatencyAtQuantileMS takes a quantile in (0, 100]");
                }

                return new BreakerMetric.LatencyAtQuantileMs(quantile);
            }

            default:
                throw _cursor.Error(name.Length == 0
                    ? "expected NetworkErrorRatio(), ResponseCodeRatio(a, b, c, d) or LatencyAtQuantileMS(q)"
                    : $"unknown function '{name}' (known: NetworkErrorRatio, ResponseCodeRatio, LatencyAtQuantileMS)", start);
        }
    }

    private double ParseNumber()
    {
        var start = _cursor.Skip();
        while (!_cursor.AtEnd && (char.IsAsciiDigit(_cursor.Current) || _cursor.Current is '.' or '-' or '+' or 'e' or 'E'))
        {
            _cursor.Pos++;
        }

        if (!double.TryParse(Text.AsSpan(start, _cursor.Pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw _cursor.Error("expected a number", start);
        }

        return value;
    }

    private int ParseInt()
    {
        var value = ParseNumber();
        if (value != Math.Floor(value) || value is < 0 or > 1000)
        {
            throw _cursor.Error($"'{value.ToString(CultureInfo.InvariantCulture)}' is not a status code");
        }

        return (int)value;
    }
}

/// <summary>A parsed circuitBreaker condition.</summary>
public abstract record BreakerCondition
{
    /// <summary>Levels of this tree (a leaf is 1).</summary>
    public virtual int Depth => 1;

    public sealed record Or(BreakerCondition Left, BreakerCondition Right) : BreakerCondition
    {
        public override int Depth { get; } = 1 + Math.Max(Left.Depth, Right.Depth);
    }

    public sealed record And(BreakerCondition Left, BreakerCondition Right) : BreakerCondition
    {
        public override int Depth { get; } = 1 + Math.Max(Left.Depth, Right.Depth);
    }

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
