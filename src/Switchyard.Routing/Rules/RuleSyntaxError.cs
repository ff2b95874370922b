namespace Switchyard.Routing.Rules;

/// <summary>A rule the parser rejected: where (1-based column, in UTF-16 characters of the rule text) and why.</summary>
public sealed record RuleSyntaxError(int Column, string Message)
{
    /// <summary>E.g. <c>expected a quoted string at column 25</c>.</summary>
    public override string ToString() => $"{Message} at column {Column}";
}

/// <summary>
/// The outcome of <see cref="RuleParser.Parse(string)"/>: exactly one of <see cref="Expression"/> and
/// <see cref="Error"/> is non-null.
/// </summary>
public sealed record RuleParseResult(RuleNode? Expression, RuleSyntaxError? Error)
{
    public bool Success => Expression is not null;

    internal static RuleParseResult Ok(RuleNode node) => new(node, null);

    internal static RuleParseResult Fail(int column, string message) => new(null, new RuleSyntaxError(column, message));
}
