using System.Collections.Immutable;
using CsCheck;
using Switchyard.Routing.Rules;

namespace Switchyard.Routing.Tests.Rules;

/// <summary>CsCheck generators of valid rule trees and of rule-like text.</summary>
public static class RuleGenerators
{
    // Characters that stress quoting: backticks, double quotes, backslashes, CR/LF, tabs, control and non-ASCII.
    private const string Tricky = "`\"\\\r\n\t\u0001 ()&|!,{}[]^$.*+?é😀";

    private static readonly Gen<char> AnyChar = Gen.OneOf(
        Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=~"],
        Gen.Char[Tricky]);

    private static readonly Gen<char> AsciiChar = Gen.OneOf(
        Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:"],
        Gen.Char["`\"\\\r\n\t\u0001 ()&|!,"]);

    public static readonly Gen<string> Text = Gen.String[AnyChar, 1, 12];

    private static readonly Gen<string> AsciiText = Gen.String[AsciiChar, 1, 12];

    private static readonly Gen<string> PathText = Gen.String[AnyChar, 0, 12].Select(s => "/" + s);

    private static readonly Gen<string> Regex = Gen.OneOf(
        Gen.Const("^/api/v[0-9]+"), Gen.Const("a`b"), Gen.Const("\\d+\"x"), Gen.Const("^(css|js)$"),
        Gen.Const("(?P<id>[a-z]+)"), Gen.Const("."), Gen.Const("\\.example\\.com$"), Gen.Const("[`\"]\r"));

    private static readonly Gen<string> Ip = Gen.OneOf(
        Gen.Const("10.0.0.0/8"), Gen.Const("127.0.0.1"), Gen.Const("::1"), Gen.Const("2001:db8::/32"),
        Gen.Const("192.168.1.7/24"), Gen.Const("::ffff:10.0.0.0/104"), Gen.Const("0.0.0.0/0"));

    public static readonly Gen<RuleNode> Matcher = Gen.OneOf<RuleNode>(
        AsciiText.Select(h => M("Host", h)),
        Regex.Select(r => M("HostRegexp", r)),
        PathText.Select(p => M("Path", p)),
        PathText.Select(p => M("PathPrefix", p)),
        Regex.Select(r => M("PathRegexp", r)),
        Gen.Select(Text, Text, (k, v) => M("Header", k, v)),
        Gen.Select(Text, Regex, (k, r) => M("HeaderRegexp", k, r)),
        Text.Select(m => M("Method", m)),
        Text.Select(k => M("Query", k)),
        Gen.Select(Text, Text, (k, v) => M("Query", k, v)),
        Text.Select(k => M("QueryRegexp", k)),
        Gen.Select(Text, Regex, (k, r) => M("QueryRegexp", k, r)),
        Ip.Select(ip => M("ClientIP", ip)));

    public static readonly Gen<RuleNode> Tree = Gen.Recursive<RuleNode>((depth, self) =>
        depth >= 5
            ? Matcher
            : Gen.Frequency(
                (3, Matcher),
                (2, Gen.Select(self, self, (l, r) => (RuleNode)new RuleNode.And(l, r))),
                (2, Gen.Select(self, self, (l, r) => (RuleNode)new RuleNode.Or(l, r))),
                (1, self.Select(o => (RuleNode)new RuleNode.Not(o)))));

    private static RuleNode M(string name, params string[] args) => new RuleNode.Matcher(name, ImmutableArray.Create(args));
}
