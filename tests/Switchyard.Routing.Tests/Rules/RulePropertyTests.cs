using CsCheck;
using Switchyard.Routing.Rules;

namespace Switchyard.Routing.Tests.Rules;

[CancelAfter(60_000)]
public class RulePropertyTests
{
    [Test]
    public void PrintedTreesParseBackToTheSameTree() =>
        RuleGenerators.Tree.Sample(tree =>
        {
            var text = RulePrinter.Print(tree);
            var parsed = RuleParser.Parse(text);
            if (parsed.Error is not null)
            {
                throw new InvalidOperationException($"printed rule does not parse: {parsed.Error}\n{text}");
            }
            if (parsed.Expression != tree)
            {
                throw new InvalidOperationException($"round trip changed the tree:\n{text}\n{parsed.Expression}");
            }
            if (RulePrinter.Print(parsed.Expression!) != text)
            {
                throw new InvalidOperationException("printing is not canonical");
            }
        }, iter: 3_000, threads: 1, print: RulePrinter.Print);

    [Test]
    public void ParsingThenPrintingIsCanonicalForRulesAsUsersWriteThem()
    {
        var rules = new[]
        {
            ("host(\"a.com\") && (pathprefix(`/x`) || PATH(`/y`))", "Host(`a.com`) && (PathPrefix(`/x`) || Path(`/y`))"),
            ("(Host(`a`) && Path(`/b`)) || Method(`GET`)", "Host(`a`) && Path(`/b`) || Method(`GET`)"),
            ("!(Host(`a`))", "!Host(`a`)"),
            ("Header(\"X\",\"a`b\")", "Header(`X`, \"a`b\")"),
            ("Host(`a`) || (Host(`b`) || Host(`c`))", "Host(`a`) || (Host(`b`) || Host(`c`))"),
        };
        foreach (var (input, canonical) in rules)
        {
            Assert.That(RulePrinter.Print(RuleParser.Parse(input).Expression!), Is.EqualTo(canonical));
        }
    }
}
