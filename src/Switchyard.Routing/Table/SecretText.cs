using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Switchyard.Model;

namespace Switchyard.Routing.Table;

/// <summary>
/// Secret material carried by the table (htpasswd/htdigest lines, private keys). It is part of the table's
/// value: equality and <see cref="TableFingerprint"/> include it (through its SHA-256), so a changed password
/// or key is a changed table. It is never written out: the JSON form (golden files, <c>explain --json</c>, the
/// API) and <see cref="ToString"/> show <see cref="Redacted"/>.
/// </summary>
[JsonConverter(typeof(RedactingConverter))]
public sealed class SecretText : IEquatable<SecretText>
{
    /// <summary>What every writer shows instead of the secret.</summary>
    public const string Redacted = "(redacted)";

    private readonly string _value;
    private byte[]? _digest;

    public SecretText(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>The secret itself, for the code that uses it (a verifier, a key loader). Never log it.</summary>
    public string Reveal() => _value;

    /// <summary>SHA-256 of the UTF-8 secret: what the table fingerprint hashes.</summary>
    public ReadOnlySpan<byte> Digest => _digest ??= Sha256.HashData(Encoding.UTF8.GetBytes(_value));

    [return: NotNullIfNotNull(nameof(value))]
    public static implicit operator SecretText?(string? value) => value is null ? null : new(value);

    public bool Equals(SecretText? other) =>
        other is not null && (ReferenceEquals(this, other) || CryptographicOperations.FixedTimeEquals(Digest, other.Digest));

    public override bool Equals(object? obj) => Equals(obj as SecretText);

    public override int GetHashCode() => BitConverter.ToInt32(Digest[..4]);

    public override string ToString() => Redacted;

    /// <summary>The default writer: the secret is never serialised.</summary>
    private sealed class RedactingConverter : JsonConverter<SecretText>
    {
        public override SecretText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("secret material is never read from JSON");

        public override void Write(Utf8JsonWriter writer, SecretText value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Redacted);
    }

    /// <summary>The fingerprint's writer: the secret's SHA-256, so the fingerprint changes with the secret.</summary>
    internal sealed class DigestConverter : JsonConverter<SecretText>
    {
        public override SecretText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("secret material is never read from JSON");

        public override void Write(Utf8JsonWriter writer, SecretText value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Convert.ToHexStringLower(value.Digest));
    }
}
