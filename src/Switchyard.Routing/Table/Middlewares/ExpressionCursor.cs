using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Routing.Table;

/// <summary>
/// The scanner shared by the two small middleware expression languages (circuitBreaker's <see cref="BreakerExpression"/>
/// and buffering's <see cref="RetryExpression"/>): position, spaces, tokens, comparison operators, errors naming the
/// position, and the bounds that keep a hostile manifest from taking the process down. Both parsers are recursive and
/// their trees are evaluated recursively, so an unbounded nesting would be a stack overflow, which .NET cannot catch.
/// Traefik bounds neither language.
/// </summary>
internal sealed class ExpressionCursor
{
    /// <summary>The longest expression accepted.</summary>
    public const int MaxLength = 1024;

    /// <summary>The deepest tree accepted (parentheses and chained &amp;&amp; / || each add a level).</summary>
    public const int MaxDepth = 32;

    private readonly string _label;
    private int _parentheses;

    private ExpressionCursor(string text, string label)
    {
        Text = text;
        _label = label;
    }

    public string Text { get; }

    public int Pos { get; set; }

    public bool AtEnd => Pos >= Text.Length;

    public char Current => Text[Pos];

    /// <summary>A cursor on <paramref name="expression"/>, or an error when it is empty or longer than <see cref="MaxLength"/>.</summary>
    public static ExpressionCursor Start(string expression, string label)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new ArgumentException("the expression is empty");
        }

        if (expression.Length > MaxLength)
        {
            throw new ArgumentException($"{label}: the expression is {expression.Length} characters long, more than the gateway's bound of {MaxLength}");
        }

        return new ExpressionCursor(expression, label);
    }

    /// <summary>Skips spaces and returns the position reached.</summary>
    public int Skip()
    {
        while (Pos < Text.Length && char.IsWhiteSpace(Text[Pos]))
        {
            Pos++;
        }

        return Pos;
    }

    public bool Accept(string token)
    {
        Skip();
        if (string.CompareOrdinal(Text, Pos, token, 0, token.Length) == 0)
        {
            Pos += token.Length;
            return true;
        }

        return false;
    }

    public void Expect(string token)
    {
        if (!Accept(token))
        {
            throw Error($"expected '{token}'");
        }
    }

    /// <summary>Takes a comparison operator if one comes next (the longer tokens first, so <c>&gt;=</c> is not <c>&gt;</c>).</summary>
    public bool TryAcceptOperator(out string token, out BreakerOperator op)
    {
        Skip();
        foreach (var (candidate, candidateOp) in Operators)
        {
            if (string.CompareOrdinal(Text, Pos, candidate, 0, candidate.Length) == 0)
            {
                Pos += candidate.Length;
                (token, op) = (candidate, candidateOp);
                return true;
            }
        }

        (token, op) = (string.Empty, default);
        return false;
    }

    /// <summary>Enters a parenthesis opened at <paramref name="at"/>; <see cref="Leave"/> closes it.</summary>
    public void Enter(int at)
    {
        if (++_parentheses > MaxDepth)
        {
            throw Error($"parentheses are nested deeper than the gateway's bound of {MaxDepth}", at);
        }
    }

    public void Leave() => _parentheses--;

    /// <summary>Refuses a tree of more than <see cref="MaxDepth"/> levels (a long chain of &amp;&amp; / || terms).</summary>
    public void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error($"the expression nests deeper than the gateway's bound of {MaxDepth} (too many && / || terms)");
        }
    }

    /// <summary>Throws unless the whole text was read.</summary>
    public void ExpectEnd()
    {
        Skip();
        if (Pos < Text.Length)
        {
            throw Error($"unexpected '{Text[Pos..]}'");
        }
    }

    public ArgumentException Error(string what, int? at = null) =>
        new($"{_label} '{Text}': {what} at position {(at ?? Pos) + 1}");

    private static readonly (string Token, BreakerOperator Op)[] Operators =
    [
        (">=", BreakerOperator.GreaterOrEqual), ("<=", BreakerOperator.LessOrEqual), ("==", BreakerOperator.Equal),
        ("!=", BreakerOperator.NotEqual), (">", BreakerOperator.Greater), ("<", BreakerOperator.Less),
    ];
}

/// <summary>An expression parsed by the compiler and carried in the table as its text.</summary>
public interface IParsedExpression<TSelf>
    where TSelf : IParsedExpression<TSelf>
{
    static abstract TSelf Parse(string expression);

    string Text { get; }
}

/// <summary>Writes an expression as its text and parses it back on read.</summary>
internal sealed class ExpressionTextConverter<T> : JsonConverter<T>
    where T : IParsedExpression<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        T.Parse(reader.GetString() ?? throw new JsonException("an expression is a string"));

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Text);
}
