namespace Switchyard.Routing.Rules.Matchers;

internal sealed class AndMatcher(IRuleMatcher left, IRuleMatcher right) : IRuleMatcher
{
    public bool Matches(IRequestFacts request) => left.Matches(request) && right.Matches(request);
}

internal sealed class OrMatcher(IRuleMatcher left, IRuleMatcher right) : IRuleMatcher
{
    public bool Matches(IRequestFacts request) => left.Matches(request) || right.Matches(request);
}

internal sealed class NotMatcher(IRuleMatcher operand) : IRuleMatcher
{
    public bool Matches(IRequestFacts request) => !operand.Matches(request);
}
