using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Switchyard.Routing.Table;

/// <summary>
/// buffering's <c>retryExpression</c>, parsed by the compiler into a <see cref="RetryCondition"/> tree so the data
/// plane never parses it. The language is vulcand/oxy's buffer predicate (oxy v2.2.0 buffer/threshold.go, parsed by
/// vulcand/predicate as a Go expression): <c>IsNetworkError()</c> (the answer is 502 or 504), <c>Attempts()</c>,
/// <c>ResponseCode()</c> compared with <c>== != &lt; &lt;= &gt; &gt;=</c> to a decimal integer, <c>RequestMethod()</c>
/// compared with <c>==</c> or <c>!=</c> to a Go string literal, combined with <c>&amp;&amp;</c>, <c>||</c> and
/// parentheses (Go precedence: comparisons, then &amp;&amp;, then ||). As in oxy, a function is on the left of its
/// comparison and <c>!</c> is not an operator. Bounded as <see cref="ExpressionCursor"/> says (Traefik has no bound).
/// A bad expression is a compiler diagnostic naming the position. Compared and written as its text.
/// </summary>
[JsonConverter(typeof(ExpressionTextConverter<RetryExpression>))]
public sealed class RetryExpression : ParsedExpression<RetryExpression>, IParsedExpression<RetryExpression>
{
    /// <summary>The longest expression accepted.</summary>
    public const int MaxLength = ExpressionCursor.MaxLength;

    /// <summary>The deepest tree accepted (parentheses and chained &amp;&amp; / || each add a level).</summary>
    public const int MaxDepth = ExpressionCursor.MaxDepth;

    private RetryExpression(ExpressionCursor cursor)
        : base(cursor)
    {
    }

    private int Pos
    {
        get => Cursor.Pos;
        set => Cursor.Pos = value;
    }

    /// <summary>The parsed expression.</summary>
    public RetryCondition Condition { get; private set; } = null!;

    /// <summary>Parses <paramref name="expression"/> or throws <see cref="ArgumentException"/> naming the position.</summary>
    public static RetryExpression Parse(string expression)
    {
        var parser = new RetryExpression(ExpressionCursor.Start(expression, "retryExpression"));
        var start = parser.Skip();
        var term = parser.ParseOr();
        parser.Cursor.ExpectEnd();

        parser.Condition = term.Condition ?? throw parser.Error("the expression is not a condition (compare it, e.g. Attempts() < 3)", start);
        return parser;
    }

    /// <summary>A parsed operand: a condition, a function's value (int or string) or a literal.</summary>
    private readonly record struct Term(int At, RetryCondition? Condition = null, RetryValue? IntFunction = null, bool MethodFunction = false,
        int? Int = null, string? String = null)
    {
        public string Kind => Condition is not null ? "a condition" : IntFunction is not null || MethodFunction ? "a function value"
            : Int is not null ? "an integer" : "a string";
    }

    private Term ParseOr()
    {
        var left = ParseAnd();
        while (Accept("||"))
        {
            var right = ParseAnd();
            left = left with { Condition = Nest(new RetryCondition.Or(AsCondition(left, "||"), AsCondition(right, "||"))) };
        }

        return left;
    }

    private Term ParseAnd()
    {
        var left = ParseComparison();
        while (Accept("&&"))
        {
            var right = ParseComparison();
            left = left with { Condition = Nest(new RetryCondition.And(AsCondition(left, "&&"), AsCondition(right, "&&"))) };
        }

        return left;
    }

    private Term ParseComparison()
    {
        var left = ParseUnary();
        while (true)
        {
            var at = Skip();
            if (!Cursor.TryAcceptOperator(out var token, out var op))
            {
                return left;
            }

            var right = ParseUnary();
            left = new Term(left.At, Condition: Compare(left, token, op, right, at));
        }
    }

    private RetryCondition Compare(Term left, string token, BreakerOperator op, Term right, int at)
    {
        if (left.IntFunction is { } value)
        {
            if (right.Int is not { } number)
            {
                throw Error($"{value}() is compared with an integer, not {right.Kind}", right.At);
            }

            return new RetryCondition.Comparison(value, op, number);
        }

        if (left.MethodFunction)
        {
            if (op is not (BreakerOperator.Equal or BreakerOperator.NotEqual))
            {
                throw Error($"RequestMethod() takes == or !=, not {token}", at);
            }

            if (right.String is not { } method)
            {
                throw Error($"RequestMethod() is compared with a string, not {right.Kind}", right.At);
            }

            return new RetryCondition.MethodIs(method, op == BreakerOperator.Equal);
        }

        throw Error($"the left side of {token} must be Attempts(), ResponseCode() or RequestMethod(), not {left.Kind}", left.At);
    }

    private Term ParseUnary()
    {
        var at = Skip();
        if (Pos < Text.Length && Text[Pos] is '!' or '-' or '+' or '^')
        {
            throw Error($"the unary operator {Text[Pos]} is not supported", at);
        }

        if (Accept("("))
        {
            Cursor.Enter(at);
            var inner = ParseOr();
            Expect(")");
            Cursor.Leave();
            return inner with { At = at };
        }

        if (Pos < Text.Length && char.IsAsciiDigit(Text[Pos]))
        {
            return new Term(at, Int: ParseInt(at));
        }

        if (Pos < Text.Length && Text[Pos] is '"' or '`')
        {
            return new Term(at, String: ParseString(at));
        }

        return ParseCall(at);
    }

    private Term ParseCall(int at)
    {
        while (Pos < Text.Length && (char.IsAsciiLetterOrDigit(Text[Pos]) || Text[Pos] == '_'))
        {
            Pos++;
        }

        var name = Text[at..Pos];
        if (name.Length == 0)
        {
            throw Error(Pos < Text.Length ? $"unexpected '{Text[Pos]}'" : "the expression ends too early", at);
        }

        if (!Accept("("))
        {
            throw Error($"{name} is not defined (functions are called: {name}())", at);
        }

        if (!Accept(")"))
        {
            throw Error($"{name}() takes no arguments", at);
        }

        return name switch
        {
            "IsNetworkError" => new Term(at, Condition: new RetryCondition.IsNetworkError()),
            "Attempts" => new Term(at, IntFunction: RetryValue.Attempts),
            "ResponseCode" => new Term(at, IntFunction: RetryValue.ResponseCode),
            "RequestMethod" => new Term(at, MethodFunction: true),
            _ => throw Error($"unsupported function {name} (known: IsNetworkError, Attempts, ResponseCode, RequestMethod)", at),
        };
    }

    private int ParseInt(int at)
    {
        while (Pos < Text.Length && (char.IsAsciiLetterOrDigit(Text[Pos]) || Text[Pos] is '_' or '.'))
        {
            Pos++;
        }

        // Go's Atoi: decimal digits only (0x.., 1_000, 1.5 and 1e3 are refused by oxy too).
        var literal = Text[at..Pos];
        if (!int.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw Error($"'{literal}' is not a decimal integer", at);
        }

        return value;
    }

    private string ParseString(int at)
    {
        var quote = Text[Pos++];
        var value = new StringBuilder();
        while (Pos < Text.Length && Text[Pos] != quote)
        {
            var c = Text[Pos++];
            if (quote == '"' && c == '\\')
            {
                c = Pos < Text.Length ? Text[Pos++] switch
                {
                    '\\' => '\\',
                    '"' => '"',
                    'n' => '\n',
                    't' => '\t',
                    var other => throw Error($"the escape \\{other} is not supported in a string", Pos - 2),
                } : '\\';
            }

            value.Append(c);
        }

        if (Pos >= Text.Length)
        {
            throw Error("the string is not closed", at);
        }

        Pos++;
        return value.ToString();
    }

    private RetryCondition AsCondition(Term term, string token) =>
        term.Condition ?? throw Error($"{token} joins conditions, not {term.Kind}", term.At);

    private RetryCondition Nest(RetryCondition condition)
    {
        Cursor.CheckDepth(condition.Depth);
        return condition;
    }

    private bool Accept(string token) => Cursor.Accept(token);

    private void Expect(string token) => Cursor.Expect(token);

    private int Skip() => Cursor.Skip();

    private ArgumentException Error(string what, int? at = null) => Cursor.Error(what, at);
}

/// <summary>A value of the buffering retry language, read after each attempt.</summary>
public enum RetryValue
{
    /// <summary>Attempts made so far (1 after the first).</summary>
    Attempts,

    /// <summary>The status of the last attempt's answer.</summary>
    ResponseCode,
}

/// <summary>A parsed retryExpression condition.</summary>
public abstract record RetryCondition
{
    /// <summary>Levels of this tree (a leaf is 1).</summary>
    public virtual int Depth => 1;

    public sealed record Or(RetryCondition Left, RetryCondition Right) : RetryCondition
    {
        public override int Depth { get; } = 1 + Math.Max(Left.Depth, Right.Depth);
    }

    public sealed record And(RetryCondition Left, RetryCondition Right) : RetryCondition
    {
        public override int Depth { get; } = 1 + Math.Max(Left.Depth, Right.Depth);
    }

    /// <summary>oxy's IsNetworkError(): the answer is 502 or 504.</summary>
    public sealed record IsNetworkError : RetryCondition;

    public sealed record Comparison(RetryValue Value, BreakerOperator Operator, int Number) : RetryCondition;

    /// <summary>RequestMethod() == Method (or != when not <paramref name="Equal"/>); case-sensitive, as Go's ==.</summary>
    public sealed record MethodIs(string Method, bool Equal) : RetryCondition;
}
