using System.Collections.Immutable;

namespace Switchyard.Routing.Rules;

/// <summary>
/// Recursive-descent parser of Traefik v3 router rules.
/// <code>
/// rule    := or
/// or      := and ( "||" and )*          left-associative
/// and     := unary ( "&amp;&amp;" unary )*      left-associative, binds tighter than ||
/// unary   := "!" unary | primary
/// primary := "(" or ")" | NAME "(" [ STRING ( "," STRING )* ] ")"
/// STRING  := `raw` | "interpreted with Go escapes"
/// </code>
/// Precedence is Go's (Traefik parses rules as Go expressions): ! over &amp;&amp; over ||.
/// <see cref="Parse(string)"/> never throws: every problem is a <see cref="RuleSyntaxError"/> with a 1-based column.
/// </summary>
public static class RuleParser
{
    /// <summary>
    /// Deepest operator nesting accepted. Deeper trees are refused so that printing, comparing, compiling and
    /// matching (all recursive) can never exhaust the stack; real rules stay far below this.
    /// </summary>
    public const int MaxDepth = 200;

    /// <summary>Parses a v3 rule.</summary>
    public static RuleParseResult Parse(string rule) => Parse(rule, "v3");

    /// <summary>
    /// Parses a rule in the given syntax: <c>v3</c> (default, also for null/empty) or the deprecated <c>v2</c>,
    /// whose multi-value matchers are rewritten into the equivalent v3 tree. Unknown syntax names are an error.
    /// </summary>
    public static RuleParseResult Parse(string rule, string? syntax) => Parse(rule, syntax, HttpMatcherLanguage.Instance);

    /// <summary>Parses a rule whose matchers come from <paramref name="language"/> (HTTP or TCP routers).</summary>
    internal static RuleParseResult Parse(string rule, string? syntax, IMatcherLanguage language)
    {
        if (rule is null)
        {
            return RuleParseResult.Fail(1, "empty rule");
        }

        var v2 = false;
        if (!string.IsNullOrEmpty(syntax) && !string.Equals(syntax, "v3", StringComparison.OrdinalIgnoreCase))
        {
            if (!string.Equals(syntax, "v2", StringComparison.OrdinalIgnoreCase))
            {
                return RuleParseResult.Fail(1, $"unknown rule syntax '{syntax}' (expected v3 or v2)");
            }
            v2 = true;
        }

        try
        {
            return new Parser(rule, v2, language).ParseRule();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Defence in depth: a parser bug must surface as a rule error, never take the compiler down.
            return RuleParseResult.Fail(1, $"internal parser error: {ex.Message}");
        }
    }

    private sealed class SyntaxException(int column, string message) : Exception(message)
    {
        public int Column { get; } = column;
    }

    private sealed class Parser(string text, bool v2, IMatcherLanguage language)
    {
        private readonly RuleLexer _lexer = new(text);
        private RuleToken _current;
        private bool _hasCurrent;

        public RuleParseResult ParseRule()
        {
            try
            {
                if (Peek().Kind == RuleTokenKind.End)
                {
                    return RuleParseResult.Fail(1, "empty rule");
                }

                var (node, _) = ParseOr(0);
                var next = Peek();
                if (next.Kind != RuleTokenKind.End)
                {
                    throw Unexpected(next, "expected && or || between matchers");
                }
                return RuleParseResult.Ok(node);
            }
            catch (SyntaxException ex)
            {
                return RuleParseResult.Fail(ex.Column, ex.Message);
            }
        }

        private (RuleNode Node, int Depth) ParseOr(int nesting)
        {
            var (left, depth) = ParseAnd(nesting);
            while (Peek().Kind == RuleTokenKind.Or)
            {
                var op = Take();
                var (right, rightDepth) = ParseAnd(nesting);
                depth = Math.Max(depth, rightDepth) + 1;
                CheckDepth(depth + nesting, op);
                left = new RuleNode.Or(left, right);
            }
            return (left, depth);
        }

        private (RuleNode Node, int Depth) ParseAnd(int nesting)
        {
            var (left, depth) = ParseUnary(nesting);
            while (Peek().Kind == RuleTokenKind.And)
            {
                var op = Take();
                var (right, rightDepth) = ParseUnary(nesting);
                depth = Math.Max(depth, rightDepth) + 1;
                CheckDepth(depth + nesting, op);
                left = new RuleNode.And(left, right);
            }
            return (left, depth);
        }

        private (RuleNode Node, int Depth) ParseUnary(int nesting)
        {
            var token = Peek();
            if (token.Kind == RuleTokenKind.Not)
            {
                Take();
                CheckDepth(nesting + 1, token);
                var (operand, depth) = ParseUnary(nesting + 1);
                return (new RuleNode.Not(operand), depth + 1);
            }
            return ParsePrimary(nesting);
        }

        private (RuleNode Node, int Depth) ParsePrimary(int nesting)
        {
            var token = Take();
            switch (token.Kind)
            {
                case RuleTokenKind.LeftParen:
                {
                    CheckDepth(nesting + 1, token);
                    var (inner, depth) = ParseOr(nesting + 1);
                    var close = Take();
                    if (close.Kind != RuleTokenKind.RightParen)
                    {
                        throw Unexpected(close, $"expected ')' to close the '(' at column {token.Column}");
                    }
                    return (inner, depth);
                }
                case RuleTokenKind.Identifier:
                    return (ParseCall(token), 0);
                case RuleTokenKind.End:
                    throw new SyntaxException(token.Column, "unexpected end of rule, expected a matcher such as Host(`example.com`)");
                default:
                    throw Unexpected(token, "expected a matcher such as Host(`example.com`)");
            }
        }

        private RuleNode ParseCall(RuleToken name)
        {
            var open = Take();
            if (open.Kind != RuleTokenKind.LeftParen)
            {
                throw Unexpected(open, $"expected '(' after {name.Text}");
            }

            var args = ImmutableArray.CreateBuilder<string>();
            var argColumns = new List<int>();
            if (Peek().Kind == RuleTokenKind.RightParen)
            {
                Take();
            }
            else
            {
                while (true)
                {
                    var arg = Take();
                    if (arg.Kind != RuleTokenKind.String)
                    {
                        throw arg.Kind == RuleTokenKind.Invalid
                            ? new SyntaxException(arg.Column, arg.Text)
                            : new SyntaxException(arg.Column, "expected a quoted string");
                    }
                    args.Add(arg.Text);
                    argColumns.Add(arg.Column);

                    var separator = Take();
                    if (separator.Kind == RuleTokenKind.RightParen)
                    {
                        break;
                    }
                    if (separator.Kind != RuleTokenKind.Comma)
                    {
                        throw Unexpected(separator, $"expected ',' or ')' after an argument of {name.Text}");
                    }
                }
            }

            if (v2)
            {
                return RuleV2.Desugar(name, args.ToImmutable(), argColumns, (column, message) => new SyntaxException(column, message));
            }

            var spec = language.Resolve(name.Text)
                ?? throw new SyntaxException(name.Column, language.UnknownNameMessage(name.Text));
            var node = new RuleNode.Matcher(spec.Name, args.ToImmutable());
            var error = language.Validate(node, out var argIndex);
            if (error is not null)
            {
                throw new SyntaxException(argIndex >= 0 ? argColumns[argIndex] : name.Column, error);
            }
            return node;
        }

        private static void CheckDepth(int depth, RuleToken at)
        {
            if (depth > MaxDepth)
            {
                throw new SyntaxException(at.Column, $"rule nested too deeply (more than {MaxDepth} levels of operators)");
            }
        }

        private static SyntaxException Unexpected(RuleToken token, string expectation) =>
            token.Kind switch
            {
                RuleTokenKind.Invalid => new SyntaxException(token.Column, token.Text),
                RuleTokenKind.End => new SyntaxException(token.Column, $"{expectation}, but the rule ended"),
                RuleTokenKind.Unexpected => new SyntaxException(token.Column, $"{expectation}, found {token.Text}"),
                RuleTokenKind.String => new SyntaxException(token.Column, $"{expectation}, found a string"),
                _ => new SyntaxException(token.Column, $"{expectation}, found '{token.Text}'"),
            };

        private RuleToken Peek()
        {
            if (!_hasCurrent)
            {
                _current = _lexer.Next();
                _hasCurrent = true;
            }
            return _current;
        }

        private RuleToken Take()
        {
            var token = Peek();
            _hasCurrent = false;
            return token;
        }
    }
}
