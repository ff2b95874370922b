using System.Diagnostics;
using Switchyard.Routing.Rules;

namespace Switchyard.Routing.Tests.Rules;

/// <summary>
/// ≥ 100 000 generated inputs — random strings over the rule alphabet and mutations of valid rules — must each
/// come back from <see cref="RuleParser.Parse(string)"/> as a tree or a syntax error, never an exception or a hang.
/// </summary>
[CancelAfter(90_000)]
public class RuleFuzzTests
{
    private const int Inputs = 100_000;

    private static readonly string[] Seeds =
    [
        "Host(`example.com`) && PathPrefix(`/api`)",
        "Host(\"a.com\") || (Path(`/x`) && !Method(`GET`))",
        "HostRegexp(`^[a-z]+\\.example\\.com$`) && PathRegexp(`^/(css|js)`)",
        "Header(`X-Env`, `prod`) && HeaderRegexp(`X-Id`, `^[0-9]+$`)",
        "Query(`q`, `traefik`) || Query(`mobile`) || QueryRegexp(`q`, `^t`)",
        "ClientIP(`10.0.0.0/8`) || ClientIP(`2001:db8::/32`) && !ClientIP(`::1`)",
        "Path(\"/a\\u00e9\\x41\\101\\\"\")",
        "((Host(`a`)))",
    ];

    private const string Alphabet = "HostPathQueryClientIPMethodHeaderRegexp()`\"\\,&|! \t\n/.*[]{}^$?+-:0123456789abcxyzé😀\u0000\r'";

    [Test]
    public void ParseNeverThrowsNorHangs(CancellationToken cancellation)
    {
        var random = new Random(20261125);
        var slowest = TimeSpan.Zero;
        var slowestInput = "";
        var parsed = 0;
        var total = Stopwatch.StartNew();
        var one = new Stopwatch();

        for (var i = 0; i < Inputs; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
            }

            var input = i % 3 == 0 ? RandomText(random) : Mutate(random, Seeds[random.Next(Seeds.Length)]);
            one.Restart();
            var result = RuleParser.Parse(input);
            one.Stop();
            if (one.Elapsed > slowest)
            {
                slowest = one.Elapsed;
                slowestInput = input;
            }

            Check(input, result);
            if (i % 10 == 0)
            {
                // v2 rules are rewritten into v3 trees, which must print as v3 text that parses back to them.
                Check(input, RuleParser.Parse(input, "v2"));
            }
            if (result.Expression is not null)
            {
                parsed++;
            }
        }

        TestContext.Out.WriteLine($"{Inputs} inputs in {total.Elapsed.TotalSeconds:F1} s, {parsed} valid, slowest {slowest.TotalMilliseconds:F1} ms");
        Assert.That(parsed, Is.GreaterThan(1000), "mutations should keep a share of the rules valid");
        Assert.That(slowest, Is.LessThan(TimeSpan.FromSeconds(1)), $"slowest input: {slowestInput}");
    }

    private static void Check(string input, RuleParseResult result)
    {
        if ((result.Expression is null) == (result.Error is null))
        {
            Assert.Fail($"exactly one of Expression and Error must be set for: {input}");
        }

        if (result.Error is { } error)
        {
            if (error.Column < 1 || error.Column > input.Length + 1 || error.Message.StartsWith("internal parser error", StringComparison.Ordinal))
            {
                Assert.Fail($"bad error {error} for: {input}");
            }
            return;
        }

        // A valid rule prints, re-parses to the same tree and compiles.
        var printed = RulePrinter.Print(result.Expression!);
        var again = RuleParser.Parse(printed);
        if (again.Expression != result.Expression)
        {
            Assert.Fail($"round trip differs for: {input} → {printed} ({again.Error})");
        }
        RuleMatcherCompiler.Compile(result.Expression!);
    }

    private static string RandomText(Random random)
    {
        var length = random.Next(0, 60);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = random.Next(20) == 0 ? (char)random.Next(0, 0xFFFF) : Alphabet[random.Next(Alphabet.Length)];
        }
        return new string(chars);
    }

    private static string Mutate(Random random, string seed)
    {
        var text = seed;
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var pos = random.Next(text.Length + 1);
            switch (random.Next(6))
            {
                case 0: // delete a run
                    if (text.Length > 0 && pos < text.Length)
                    {
                        text = text.Remove(pos, Math.Min(random.Next(1, 4), text.Length - pos));
                    }
                    break;
                case 1: // insert a character
                    text = text.Insert(pos, Alphabet[random.Next(Alphabet.Length)].ToString());
                    break;
                case 2: // replace a character
                    if (pos < text.Length)
                    {
                        text = string.Concat(text.AsSpan(0, pos), Alphabet[random.Next(Alphabet.Length)].ToString(), text.AsSpan(pos + 1));
                    }
                    break;
                case 3: // splice in a piece of another seed
                    var other = Seeds[random.Next(Seeds.Length)];
                    var from = random.Next(other.Length);
                    text = text.Insert(pos, other.Substring(from, Math.Min(random.Next(1, 20), other.Length - from)));
                    break;
                case 4: // duplicate with an operator
                    text = random.Next(2) == 0 ? $"{text} && {text}" : $"!({text}) || {seed}";
                    if (text.Length > 2000)
                    {
                        text = seed;
                    }
                    break;
                default: // change case of a run
                    if (pos < text.Length)
                    {
                        var len = Math.Min(random.Next(1, 8), text.Length - pos);
                        var piece = text.Substring(pos, len);
                        text = string.Concat(text.AsSpan(0, pos), random.Next(2) == 0 ? piece.ToUpperInvariant() : piece.ToLowerInvariant(), text.AsSpan(pos + len));
                    }
                    break;
            }
        }
        return text;
    }
}
