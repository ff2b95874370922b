using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Routing.Table;

/// <summary>
/// buffering's <c>retryExpression</c>, parsed by the compiler into a <see cref="RetryCondition"/> tree so the data
/// plane never parses it. The language is vulcand/oxy's buffer predicate (oxy v2.2.0 buffer/threshold.go, parsed by
/// vulcand/predicate as a Go expression): <c>IsNetworkError()</c> (the answer is 502 or 504), <c>Attempts()</c>,
/// <c>ResponseCode()</c> compared with <c>== != &lt; &lt;= &gt; &gt;=</c> to a decimal integer, <c>RequestMethod()</c>
/// compared with <c>==</c> or <c>!=</c> to a Go string literal, combined with <c>&amp;&amp;</c>, <c>||</c> and
/// parentheses (Go precedence: comparisons, then &amp;&amp;, then ||). As in oxy, a function is on the left of its
/// comparison and <c>!</c> is not an operator. Bounded against hostile input (Traefik has no bound):
/// <see cref="MaxLength"/> characters and <see cref="MaxDepth"/> levels of nesting. A bad expression is a compiler
/// diagnostic naming the position. Compared and written as its text.
/// </summary>
[JsonConverter(typeof(TextConverter))]
public sealed class RetryExpression : IEquatable<RetryExpression>
{
    /// <summary>The longest expression accepted.</summary>
    public const int MaxLength = 1024;

    /// <summary>The deepest tree accepted (parentheses and chained &amp;&amp; / || each add a level).</summary>
    public const int MaxDepth = 32;

    private readonly string _text;
    private int _pos;
    private int _depth;

    private RetryExpression(string text) => _text = text;

    /// <summary>The expression as written.</summary>
    public string Text => _text;

    /// <summary>The parsed expression.</summary>
    public RetryCondition Condition { get; private set; } = null!;

    /// <summary>Parses <paramref name="expression"/>, or returns why it is invalid (with the position).</summary>
    public static RetryExpression? TryParse(string expression, out string? error)
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
    public static RetryExpression Parse(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new ArgumentException("the expression is empty");
        }

        if (expression.Length > MaxLength)
        {
            throw new ArgumentException($"the expression is {expression.Length} characters long, more than the gateway's bound of {MaxLength}");
        }

        var parser = new RetryExpression(expression);
        var start = parser.Skip();
        var term = parser.ParseOr();
        parser.Skip();
        if (parser._pos < expression.Length)
        {
            throw parser.Error($"unexpected '{expression[parser._pos..]}'");
        }

        parser.Condition = term.Condition ?? throw parser.Error("the expression is not a condition (compare it, e.g. Attempts() < 3)", start);
        return parser;
    }

    public bool Equals(RetryExpression? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as RetryExpression);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);

    public override string ToString() => _text;

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
            var op = Operators.FirstOrDefault(o => string.CompareOrdinal(_text, _pos, o.Token, 0, o.Token.Length) == 0);
            if (op.Token is null)
            {
                return left;
            }

            _pos += op.Token.Length;
            var right = ParseUnary();
            left = new Term(left.At, Condition: Compare(left, op.Token, op.Operator, right, at));
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
        if (_pos < _text.Length && _text[_pos] is '!' or '-' or '+' or '^')
        {
            throw Error($"the unary operator {_text[_pos]} is not supported", at);
        }

        if (Accept("("))
        {
            if (++_depth > MaxDepth)
            {
                throw Error($"parentheses are nested deeper than the gateway's bound of {MaxDepth}", at);
            }

            var inner = ParseOr();
            Expect(")");
            _depth--;
            return inner with { At = at };
        }

        if (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            return new Term(at, Int: ParseInt(at));
        }

        if (_pos < _text.Length && _text[_pos] is '"' or '`')
        {
            return new Term(at, String: ParseString(at));
        }

        return ParseCall(at);
    }

    private Term ParseCall(int at)
    {
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
        }

        var name = _text[at.._pos];
        if (name.Length == 0)
        {
            throw Error(_pos < _text.Length ? $"unexpected '{_text[_pos]}'" : "the expression ends too early", at);
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
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '.'))
        {
            _pos++;
        }

        // Go's Atoi: decimal digits only (0x.., 1_000, 1.5 and 1e3 are refused by oxy too).
        var literal = _text[at.._pos];
        if (!int.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw Error($"'{literal}' is not a decimal integer", at);
        }

        return value;
    }

    private string ParseString(int at)
    {
        var quote = _text[_pos++];
        var value = new StringBuilder();
        while (_pos < _text.Length && _text[_pos] != quote)
        {
            var c = _text[_pos++];
            if (quote == '"' && c == '\\')
            {
                c = _pos < _text.Length ? _text[_pos++] switch
                {
                    '\\' => '\\',
                    '"' => '"',
                    'n' => '\n',
                    't' => '\t',
                    var other => throw Error($"the escape \\{other} is not supported in a string", _pos - 2),
                } : '\\';
            }

            value.Append(c);
        }

        if (_pos >= _text.Length)
        {
            throw Error("the string is not closed", at);
        }

        _pos++;
        return value.ToString();
    }

    private RetryCondition AsCondition(Term term, string token) =>
        term.Condition ?? throw Error($"{token} joins conditions, not {term.Kind}", term.At);

    private RetryCondition Nest(RetryCondition condition)
    {
        if (condition.Depth > MaxDepth)
        {
            throw Error($"the expression nests deeper than the gateway's bound of {MaxDepth} (too many && / || terms)");
        }

        return condition;
    }

    private bool Accept(string token)
    {
        Skip();
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

    private int Skip()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }

        return _pos;
    }

    private static readonly (string Token, BreakerOperator Operator)[] Operators =
    [
        (">=", BreakerOperator.GreaterOrEqual), ("<=", BreakerOperator.LessOrEqual), ("==", BreakerOperator.Equal),
        ("!=", BreakerOperator.NotEqual), (">", BreakerOperator.Greater), ("<", BreakerOperator.Less),
    ];

    private ArgumentException Error(string what, int? at = null) =>
        new($"retryExpression '{_text}': {what} at position {(at ?? _pos) + 1}");

    private sealed class TextConverter : JsonConverter<RetryExpression>
    {
        public override RetryExpression Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Parse(reader.GetString() ?? throw new JsonException("an expression is a string"));

        public override void Write(Utf8JsonWriter writer, RetryExpression value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Text);
    }
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
