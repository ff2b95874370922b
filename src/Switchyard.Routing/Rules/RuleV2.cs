using System.Collections.Immutable;

namespace Switchyard.Routing.Rules;

/// <summary>Traefik's deprecated v2 rule syntax, rewritten into v3 trees.</summary>
internal static class RuleV2
{
    public static RuleNode Desugar(RuleToken name, ImmutableArray<string> args, IReadOnlyList<int> argColumns, Func<int, string, Exception> error) =>
        throw error(name.Column, "v2 syntax is not supported yet");
}
