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
public sealed class BreakerExpression : ParsedExpression<BreakerExpression>, IParsedExpression<BreakerExpression>
{
    private BreakerExpression(ExpressionCursor cursor)
        : base(cursor)
    {
    }

    /// <summary>The parsed expression.</summary>
    public BreakerCondition Condition { get; private set; } = null!;

    /// <summary>Parses <paramref name="expression"/> or throws <see cref="ArgumentException"/> naming the position.</summary>
    public static BreakerExpression Parse(string expression)
    {
        var parser = new BreakerExpression(ExpressionCursor.Start(expression, "expression"));
        var condition = parser.ParseOr();
        parser.Cursor.ExpectEnd();
        parser.Condition = condition;
        return parser;
    }

    private BreakerCondition ParseOr()
    {
        var left = ParseAnd();
        while (Cursor.Accept("||"))
        {
            left = Nest(new BreakerCondition.Or(left, ParseAnd()));
        }

        return left;
    }

    private BreakerCondition ParseAnd()
    {
        var left = ParsePrimary();
        while (Cursor.Accept("&&"))
        {
            left = Nest(new BreakerCondition.And(left, ParsePrimary()));
        }

        return left;
    }

    private BreakerCondition Nest(BreakerCondition condition)
    {
        Cursor.CheckDepth(condition.Depth);
        return condition;
    }

    private BreakerCondition ParsePrimary()
    {
        var at = Cursor.Skip();
        if (Cursor.Accept("("))
        {
            Cursor.Enter(at);
            var inner = ParseOr();
            Cursor.Expect(")");
            Cursor.Leave();
            return inner;
        }

        var metric = ParseMetric();
        if (!Cursor.TryAcceptOperator(out _, out var op))
        {
            throw Cursor.Error("expected a comparison (>, <, >=, <=, ==, !=)");
        }

        var value = ParseNumber();
        return new BreakerCondition.Comparison(metric, op, value);
    }

    private BreakerMetric ParseMetric()
    {
        var start = Cursor.Skip();
        while (!Cursor.AtEnd && char.IsAsciiLetter(Cursor.Current))
        {
            Cursor.Pos++;
        }

        var name = Text[start..Cursor.Pos];
        switch (name)
        {
            case "NetworkErrorRatio":
                Cursor.Expect("(");
                Cursor.Expect(")");
                return new BreakerMetric.NetworkErrorRatio();
            case "ResponseCodeRatio":
            {
                Cursor.Expect("(");
                var from = ParseInt();
                Cursor.Expect(",");
                var to = ParseInt();
                Cursor.Expect(",");
                var dividedFrom = ParseInt();
                Cursor.Expect(",");
                var dividedTo = ParseInt();
                Cursor.Expect(")");
                if (from >= to || dividedFrom >= dividedTo)
                {
                    throw Cursor.Error("ResponseCodeRatio needs ranges with from < to");
                }

                return new BreakerMetric.ResponseCodeRatio(from, to, dividedFrom, dividedTo);
            }

            case "LatencyAtQuantileMS":
            {
                Cursor.Expect("(");
                var quantile = ParseNumber();
                Cursor.Expect(")");
                if (quantile is <= 0 or > 100)
                {
                    throw Cursor.Error("LatencyAtQuantileMS takes a quantile in (0, 100]");
                }

                return new BreakerMetric.LatencyAtQuantileMs(quantile);
            }

            default:
                throw Cursor.Error(name.Length == 0
                    ? "expected NetworkErrorRatio(), ResponseCodeRatio(a, b, c, d) or LatencyAtQuantileMS(q)"
                    : $"unknown function '{name}' (known: NetworkErrorRatio, ResponseCodeRatio, LatencyAtQuantileMS)", start);
        }
    }

    private double ParseNumber()
    {
        var start = Cursor.Skip();
        while (!Cursor.AtEnd && (char.IsAsciiDigit(Cursor.Current) || Cursor.Current is '.' or '-' or '+' or 'e' or 'E'))
        {
            Cursor.Pos++;
        }

        if (!double.TryParse(Text.AsSpan(start, Cursor.Pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw Cursor.Error("expected a number", start);
        }

        return value;
    }

    private int ParseInt()
    {
        var value = ParseNumber();
        if (value != Math.Floor(value) || value is < 0 or > 1000)
        {
            throw Cursor.Error($"'{value.ToString(CultureInfo.InvariantCulture)}' is not a status code");
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
