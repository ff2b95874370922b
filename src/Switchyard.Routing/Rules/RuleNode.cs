using System.Collections.Immutable;

namespace Switchyard.Routing.Rules;

/// <summary>
/// The abstract syntax tree of a router rule. Records compare structurally (including matcher arguments), so
/// "parse, print, parse again" can be checked with <c>==</c>. Matcher names are canonical (<c>PathPrefix</c>
/// whatever case form the rule used).
/// </summary>
public abstract record RuleNode
{
    private RuleNode() { }

    /// <summary><c>left &amp;&amp; right</c>.</summary>
    public sealed record And(RuleNode Left, RuleNode Right) : RuleNode;

    /// <summary><c>left || right</c>.</summary>
    public sealed record Or(RuleNode Left, RuleNode Right) : RuleNode;

    /// <summary><c>!operand</c>.</summary>
    public sealed record Not(RuleNode Operand) : RuleNode;

    /// <summary>A matcher call such as <c>Host(`example.com`)</c>: canonical name and unquoted arguments.</summary>
    public sealed record Matcher(string Name, ImmutableArray<string> Args) : RuleNode
    {
        public Matcher(string name, params string[] args) : this(name, ImmutableArray.Create(args)) { }

        // ImmutableArray compares by reference; a rule's meaning depends on the values.
        public bool Equals(Matcher? other) =>
            other is not null && Name == other.Name && Args.AsSpan().SequenceEqual(other.Args.AsSpan());

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.Add(Name);
            foreach (var arg in Args)
            {
                hash.Add(arg);
            }
            return hash.ToHashCode();
        }
    }

    /// <summary>Printed (canonical rule) form, e.g. <c>Host(`a`) &amp;&amp; PathPrefix(`/b`)</c>.</summary>
    public sealed override string ToString() => RulePrinter.Print(this);
}
