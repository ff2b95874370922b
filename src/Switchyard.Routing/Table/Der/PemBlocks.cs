using System.Security.Cryptography;

namespace Switchyard.Routing.Table.Der;

/// <summary>
/// The PEM blocks of a text in order, found as the framework's PEM importers find them (<see cref="PemEncoding.TryFind(ReadOnlySpan{char}, out PemFields)"/>,
/// each search starting after the previous block; text between blocks is skipped). Managed: no OpenSSL.
/// </summary>
internal static class PemBlocks
{
    public static List<(string Label, byte[] Der)> Read(string text)
    {
        var blocks = new List<(string, byte[])>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out var written) || written != der.Length)
            {
                throw new FormatException("PEM base64 the finder accepted does not decode"); // not expected: TryFind checks it
            }

            blocks.Add((rest[fields.Label].ToString(), der));
            rest = rest[fields.Location.End..];
        }

        return blocks;
    }
}
