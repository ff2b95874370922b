namespace Switchyard.Routing.Table;

/// <summary>
/// What the two middleware expression languages (<see cref="BreakerExpression"/>, <see cref="RetryExpression"/>) share
/// once parsed: the cursor they were read with, <c>TryParse</c> (the error instead of the exception), and identity by
/// text, so two tables with the same expression compare equal and the table is written with the text as given.
/// </summary>
public abstract class ParsedExpression<TSelf> : IEquatable<TSelf>
    where TSelf : ParsedExpression<TSelf>, IParsedExpression<TSelf>
{
    private protected ParsedExpression(ExpressionCursor cursor) => Cursor = cursor;

    /// <summary>The expression as written.</summary>
    public string Text => Cursor.Text;

    private protected ExpressionCursor Cursor { get; }

    /// <summary>Parses <paramref name="expression"/>, or returns why it is invalid (with the position).</summary>
    public static TSelf? TryParse(string expression, out string? error)
    {
        try
        {
            error = null;
            return TSelf.Parse(expression);
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    public bool Equals(TSelf? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as TSelf);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    public override string ToString() => Text;
}
