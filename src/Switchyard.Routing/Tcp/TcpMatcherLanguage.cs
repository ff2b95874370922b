using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Switchyard.Routing.Rules;

namespace Switchyard.Routing.Tcp;

/// <summary>
/// The TCP router matchers of Traefik v3 (<c>pkg/muxer/tcp/matcher.go</c>): <c>HostSNI</c>, <c>HostSNIRegexp</c>,
/// <c>ClientIP</c> and <c>ALPN</c>, one argument each, spelled as Traefik's rule parser accepts them.
/// </summary>
internal sealed partial class TcpMatcherLanguage : IMatcherLanguage
{
    public const string HostSni = "HostSNI";
    public const string HostSniRegexp = "HostSNIRegexp";
    public const string ClientIP = "ClientIP";
    public const string Alpn = "ALPN";

    public static readonly TcpMatcherLanguage Instance = new();

    private static readonly MatcherSpec[] All = [new(HostSni, 1, 1), new(HostSniRegexp, 1, 1), new(ClientIP, 1, 1), new(Alpn, 1, 1)];

    private static readonly FrozenDictionary<string, MatcherSpec> ByWrittenName = All
        .SelectMany(s => MatcherCatalog.Forms(s.Name).Select(form => (form, s)))
        .DistinctBy(p => p.form, StringComparer.Ordinal)
        .ToFrozenDictionary(p => p.form, p => p.s, StringComparer.Ordinal);

    public MatcherSpec? Resolve(string written) => ByWrittenName.GetValueOrDefault(written);

    public string UnknownNameMessage(string written)
    {
        var sameLetters = All.FirstOrDefault(s => string.Equals(s.Name, written, StringComparison.OrdinalIgnoreCase));
        if (sameLetters is not null)
        {
            return $"unknown matcher '{written}': write {string.Join(", ", MatcherCatalog.Forms(sameLetters.Name))}";
        }

        var httpHint = MatcherCatalog.Resolve(written) is not null ? " — that is an HTTP matcher; TCP routers see no HTTP request" : "";
        return $"unknown TCP matcher '{written}'{httpHint} (matchers: {string.Join(", ", All.Select(s => s.Name))})";
    }

    public string? Validate(RuleNode.Matcher node, out int argIndex)
    {
        argIndex = -1;
        if (node.Args.Length != 1)
        {
            return $"{node.Name} takes exactly one argument, got {node.Args.Length}";
        }

        argIndex = 0;
        var arg = node.Args[0];
        switch (node.Name)
        {
            case HostSni:
                return arg == "*" || HostOrIp().IsMatch(arg) ? null : $"invalid value for HostSNI matcher, '{arg}' is not a valid hostname";
            case HostSniRegexp:
                if (!System.Text.Ascii.IsValid(arg))
                {
                    return $"invalid value for HostSNIRegexp matcher, '{arg}' is not a valid hostname";
                }

                return RuleRegex.TryCreate(arg, out var regexError) is null ? $"invalid HostSNIRegexp pattern: {regexError}" : null;
            case ClientIP:
                return IpRange.TryParse(arg, out _, out var ipError) ? null : ipError ?? $"invalid IP or CIDR '{arg}'";
            case Alpn:
                return arg == "acme-tls/1" ? "invalid protocol value for ALPN matcher, 'acme-tls/1' is not allowed" : null;
            default:
                argIndex = -1;
                return $"unknown TCP matcher '{node.Name}'";
        }
    }

    // Traefik's hostOrIP: an optional "*." then word characters, dots, dashes and colons.
    [GeneratedRegex(@"^(\*\.)?[0-9A-Za-z_.\-:]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HostOrIp();
}
