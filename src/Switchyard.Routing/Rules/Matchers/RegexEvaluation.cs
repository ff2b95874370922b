using System.Text.RegularExpressions;

namespace Switchyard.Routing.Rules.Matchers;

/// <summary>Runs a rule regex on the request path: a timed-out match (pathological input) is "no match".</summary>
internal static class RegexEvaluation
{
    public static bool IsMatch(Regex regex, ReadOnlySpan<char> input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
