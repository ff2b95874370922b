namespace Switchyard.Routing.Rules;

/// <summary>
/// The matchers a rule may call. HTTP routers and TCP routers share Traefik's rule grammar (<c>pkg/rules</c>)
/// but not their matchers (<c>pkg/muxer/http</c> vs <c>pkg/muxer/tcp</c>), so the parser asks a language.
/// </summary>
internal interface IMatcherLanguage
{
    /// <summary>The matcher named as written (Traefik's accepted spellings), or null.</summary>
    MatcherSpec? Resolve(string written);

    /// <summary>The error for a name that is not a matcher of this language.</summary>
    string UnknownNameMessage(string written);

    /// <summary>Null when the arguments are valid, else the reason and the index of the bad argument (-1: the call).</summary>
    string? Validate(RuleNode.Matcher node, out int argIndex);
}

/// <summary>The HTTP router matchers (Host, Path, Header, ...).</summary>
internal sealed class HttpMatcherLanguage : IMatcherLanguage
{
    public static readonly HttpMatcherLanguage Instance = new();

    public MatcherSpec? Resolve(string written) => MatcherCatalog.Resolve(written);

    public string UnknownNameMessage(string written) => MatcherCatalog.UnknownNameMessage(written);

    public string? Validate(RuleNode.Matcher node, out int argIndex) => MatcherValidation.Validate(node, out argIndex);
}
