using System.Collections.Immutable;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Middlewares;

/// <summary>
/// Reads the users of basicAuth (htpasswd lines <c>user:hash</c>) and digestAuth (htdigest lines
/// <c>user:realm:HA1</c>) as Traefik does (pkg/middlewares/auth: basicUserParser splits on ':' into exactly two
/// parts, digestUserParser into three; a later line for the same user wins). Blank lines and '#' comments are
/// skipped. Errors name the line number and the user, never the hash.
/// </summary>
public static class AuthUsers
{
    /// <summary>The hash formats the data plane verifies: bcrypt, Apache MD5 ($apr1$), MD5-crypt ($1$), SHA-1 ({SHA}).</summary>
    private static readonly string[] HashPrefixes = ["$2y$", "$2a$", "$2b$", "$apr1$", "$1$", "{SHA}"];

    /// <summary>htpasswd users; <paramref name="errors"/> gets one sentence per bad line.</summary>
    public static ImmutableArray<BasicAuthUser> ParseBasic(string text, List<string> errors)
    {
        var users = new SortedDictionary<string, SecretText>(StringComparer.Ordinal);
        foreach (var (number, line) in Lines(text))
        {
            var parts = line.Split(':');
            if (parts.Length != 2 || parts[0].Length == 0)
            {
                errors.Add($"line {number} is not 'user:hash' (htpasswd)");
            }
            else if (!HashPrefixes.Any(p => parts[1].StartsWith(p, StringComparison.Ordinal)))
            {
                errors.Add($"line {number}: user '{parts[0]}' has an unsupported hash (use bcrypt, apr1/MD5 or SHA1)");
            }
            else
            {
                users[parts[0]] = new SecretText(parts[1]);
            }
        }

        return [.. users.Select(u => new BasicAuthUser(u.Key, u.Value))];
    }

    /// <summary>
    /// htdigest users of <paramref name="realm"/> (a line of another realm can never match: HA1 includes the realm);
    /// <paramref name="errors"/> gets one sentence per bad line.
    /// </summary>
    public static ImmutableArray<DigestAuthUser> ParseDigest(string text, string realm, List<string> errors)
    {
        var users = new SortedDictionary<string, SecretText>(StringComparer.Ordinal);
        foreach (var (number, line) in Lines(text))
        {
            var parts = line.Split(':');
            if (parts.Length != 3 || parts[0].Length == 0 || parts[2].Length != 32 || !parts[2].All(char.IsAsciiHexDigit))
            {
                errors.Add($"line {number} is not 'user:realm:md5-hex' (htdigest)");
            }
            else if (parts[1] == realm)
            {
                users[parts[0]] = new SecretText(parts[2].ToLowerInvariant());
            }
        }

        return [.. users.Select(u => new DigestAuthUser(u.Key, u.Value))];
    }

    private static IEnumerable<(int Number, string Line)> Lines(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                yield return (i + 1, line);
            }
        }
    }
}
