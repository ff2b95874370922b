using System.Formats.Asn1;

namespace Switchyard.Routing.Table.Der;

/// <summary>The strict-DER reading every structure here starts with: one SEQUENCE that fills the bytes, nothing after it.</summary>
internal static class DerSequence
{
    /// <exception cref="AsnContentException">Not one well-formed DER SEQUENCE, or bytes after it.</exception>
    public static AsnReader Read(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var sequence = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        return sequence;
    }
}
