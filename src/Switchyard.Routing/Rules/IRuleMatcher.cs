namespace Switchyard.Routing.Rules;

/// <summary>A compiled rule: built once per table, evaluated per request without allocating.</summary>
public interface IRuleMatcher
{
    bool Matches(IRequestFacts request);
}
