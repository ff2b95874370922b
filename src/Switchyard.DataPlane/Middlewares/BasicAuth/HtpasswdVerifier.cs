using System.Security.Cryptography;
using System.Text;

namespace Switchyard.DataPlane.Middlewares.BasicAuth;

/// <summary>
/// Checks a password against one htpasswd hash, in the formats Traefik accepts: bcrypt (<c>$2y$</c>,
/// <c>$2a$</c>, <c>$2b$</c>), Apache MD5 (<c>$apr1$</c>, and <c>$1$</c> MD5-crypt) and <c>{SHA}</c>.
/// Comparisons of computed hashes are constant-time.
/// </summary>
public static class HtpasswdVerifier
{
    private const string Itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static bool Verify(string password, string hash)
    {
        if (hash.StartsWith("$2", StringComparison.Ordinal))
        {
            try
            {
                return BCrypt.Net.BCrypt.Verify(password, hash);
            }
            catch (BCrypt.Net.SaltParseException)
            {
                return false;
            }
        }

        if (hash.StartsWith("{SHA}", StringComparison.Ordinal))
        {
            var expected = Encoding.ASCII.GetBytes(hash[5..]);
            var actual = Encoding.ASCII.GetBytes(Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(password))));
            return CryptographicOperations.FixedTimeEquals(expected, actual);
        }

        var magic = hash.StartsWith("$apr1$", StringComparison.Ordinal) ? "$apr1$" : hash.StartsWith("$1$", StringComparison.Ordinal) ? "$1$" : null;
        if (magic is null)
        {
            return false;
        }

        var rest = hash[magic.Length..];
        var dollar = rest.IndexOf('$', StringComparison.Ordinal);
        if (dollar < 0)
        {
            return false;
        }

        var computed = Md5Crypt(password, rest[..dollar], magic);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(hash));
    }

    /// <summary>The MD5-crypt algorithm (FreeBSD's, with Apache's "$apr1$" magic variant).</summary>
    public static string Md5Crypt(string password, string salt, string magic)
    {
        var pw = Encoding.UTF8.GetBytes(password);
        var saltBytes = Encoding.ASCII.GetBytes(salt.Length > 8 ? salt[..8] : salt);
        var magicBytes = Encoding.ASCII.GetBytes(magic);

        var alternate = MD5.HashData([.. pw, .. saltBytes, .. pw]);
        var context = new List<byte>(pw.Length * 4);
        context.AddRange(pw);
        context.AddRange(magicBytes);
        context.AddRange(saltBytes);
        for (var i = pw.Length; i > 0; i -= 16)
        {
            context.AddRange(alternate.AsSpan(0, Math.Min(16, i)).ToArray());
        }

        for (var i = pw.Length; i != 0; i >>= 1)
        {
            context.Add((i & 1) != 0 ? (byte)0 : (pw.Length > 0 ? pw[0] : (byte)0));
        }

        var final = MD5.HashData([.. context]);
        for (var i = 0; i < 1000; i++)
        {
            var round = new List<byte>(64);
            round.AddRange((i & 1) != 0 ? pw : final);
            if (i % 3 != 0)
            {
                round.AddRange(saltBytes);
            }

            if (i % 7 != 0)
            {
                round.AddRange(pw);
            }

            round.AddRange((i & 1) != 0 ? final : pw);
            final = MD5.HashData([.. round]);
        }

        var sb = new StringBuilder(magic).Append(Encoding.ASCII.GetString(saltBytes)).Append('$');
        To64(sb, (final[0] << 16) | (final[6] << 8) | final[12], 4);
        To64(sb, (final[1] << 16) | (final[7] << 8) | final[13], 4);
        To64(sb, (final[2] << 16) | (final[8] << 8) | final[14], 4);
        To64(sb, (final[3] << 16) | (final[9] << 8) | final[15], 4);
        To64(sb, (final[4] << 16) | (final[10] << 8) | final[5], 4);
        To64(sb, final[11], 2);
        return sb.ToString();
    }

    private static void To64(StringBuilder sb, int value, int count)
    {
        while (count-- > 0)
        {
            sb.Append(Itoa64[value & 0x3f]);
            value >>= 6;
        }
    }
}
