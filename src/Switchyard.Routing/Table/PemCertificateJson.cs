using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Routing.Table;

/// <summary>
/// <see cref="PemCertificate"/>'s JSON, written out: the members the reflection serializer wrote (source, keyPem,
/// fingerprint, hasKey, in that order, named by the options' policy, the key through the options' converter), and
/// nothing else. The reflection serializer makes a property contract for every public property, the ignored ones too,
/// and in the Native AOT publish (src/Switchyard/Properties/PublishProfiles/aot.pubxml) the one for
/// <see cref="PemCertificate.Certificates"/> (a JsonPropertyInfo over ImmutableArray&lt;X509Certificate2&gt;, a
/// framework type the trim keeps no metadata of) has no native code: fingerprinting a table with a certificate threw,
/// and its first table was never served. Tables are written, never read.
/// </summary>
internal sealed class PemCertificateJson : JsonConverter<PemCertificate>
{
    public override PemCertificate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("PEM material is never read from JSON");

    public override void Write(Utf8JsonWriter writer, PemCertificate value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString(Name(nameof(PemCertificate.Source), options), value.Source);
        writer.WritePropertyName(Name(nameof(PemCertificate.KeyPem), options));
        if (value.KeyPem is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            ((JsonConverter<SecretText>)options.GetConverter(typeof(SecretText))).Write(writer, value.KeyPem, options);
        }

        writer.WriteString(Name(nameof(PemCertificate.Fingerprint), options), value.Fingerprint);
        writer.WriteBoolean(Name(nameof(PemCertificate.HasKey), options), value.HasKey);
        writer.WriteEndObject();
    }

    private static string Name(string member, JsonSerializerOptions options) =>
        options.PropertyNamingPolicy?.ConvertName(member) ?? member;
}
