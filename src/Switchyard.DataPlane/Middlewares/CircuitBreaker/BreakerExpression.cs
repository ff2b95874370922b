using System.Globalization;

namespace Switchyard.DataPlane.Middlewares.CircuitBreaker;

/// <summary>
/// Parses Traefik's circuitBreaker expression language into a predicate over <see cref="BreakerMetrics"/>:
/// <c>NetworkErrorRatio()</c>, <c>ResponseCodeRatio(from, to, dividedByFrom, dividedByTo)</c> (ranges are
/// [from, to)), <c>LatencyAtQuantileMS(q)</c>, compared with <c>&gt; &lt; &gt;= &lt;= == !=</c> to a number,
/// combined with <c>&amp;&amp;</c>, <c>||</c> and parentheses (&amp;&amp; binds tighter).
/// A bad expression throws an ArgumentException naming the position, so only that middleware is refused.
/// </summary>
public sealed class BreakerExpression
{
    private readonly string _text;
    private int _pos;

    private BreakerExpression(string text) => _text = text;

    public static Func<BreakerMetrics, bool> Parse(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new ArgumentException("circuitBreaker: the expression is empty");
        }

        var parser = new BreakerExpression(expression);
        var predicate = parser.ParseOr();
        parser.SkipSpaces();
        if (parser._pos < expression.Length)
        {
            throw parser.Error($"unexpected '{expression[parser._pos..]}'");
        }

        return predicate;
    }

    private Func<BreakerMetrics, bool> ParseOr()
    {
        var left = ParseAnd();
        while (Accept("||"))
        {
            var l = left;
            var right = ParseAnd();
            left = m => l(m) || right(m);
        }

        return left;
    }

    private Func<BreakerMetrics, bool> ParseAnd()
    {
        var left = ParsePrimary();
        while (Accept("&&"))
        {
            var l = left;
            var right = ParsePrimary();
            left = m => l(m) && right(m);
        }

        return left;
    }

    private Func<BreakerMetrics, bool> ParsePrimary()
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
        return op switch
        {
            ">" => m => metric(m) > value,
            "<" => m => metric(m) < value,
            ">=" => m => metric(m) >= value,
            "<=" => m => metric(m) <= value,
            "==" => m => metric(m) == value,
            _ => m => metric(m) != value,
        };
    }

    private Func<BreakerMetrics, double> ParseMetric()
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
                return static m => m.NetworkErrorRatio();
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

                return m => m.ResponseCodeRatio(from, to, dividedFrom, dividedTo);
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

                return m => m.LatencyAtQuantileMs(quantile);
            }

            default:
                _pos = start;
                throw Error(name.Length == 0
                    ? "expected NetworkErrorRatio(), ResponseCodeRatio(a, b, c, d) or LatencyAtQuantileMS(q)"
                    : $"unknown function '{name}' (known: NetworkErrorRatio, ResponseCodeRatio, LatencyAtQuantileMS)");
        }
    }

    private string ParseOperator()
    {
        foreach (var op in (string[])[">=", "<=", "==", "!=", ">", "<"])
        {
            if (Accept(op))
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

    private ArgumentException Error(string what) =>
        new($"circuitBreaker: expression '{_text}': {what} at position {_pos + 1}");
}
