using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Switchyard.Routing.Compiler;
using Switchyard.Routing.Compiler.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.Routing;

/// <summary>
/// Deterministic JSON of a <see cref="CompileResult"/> (golden files, `switchyard explain --json`, debug
/// endpoints): indented with two spaces and '\n', camelCase properties, enums as strings, durations in Go
/// form ("30s"), every dictionary written in ordinal key order whatever its comparer. Same input ⇒ the same
/// bytes. Secret material (<see cref="SecretText"/>: keys, htpasswd lines) is written as "(redacted)".
/// </summary>
public static class RoutingTableJson
{
    /// <summary>The serializer options; exposed so other readers of the table render it the same way.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(CompileResult result) => JsonSerializer.Serialize(result, Options) + "\n";

    public static string Serialize(RoutingTable table) => JsonSerializer.Serialize(table, Options) + "\n";

    /// <summary>The options with <paramref name="extra"/> converters first (they win over type-level converters).</summary>
    internal static JsonSerializerOptions CreateOptions(params JsonConverter[] extra)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null, // keys are ids and header names: written as they are
            WriteIndented = true,
            IndentSize = 2,
            NewLine = "\n",
            // Rules contain `&&` and backticks; keep them readable (the output is a file, not HTML).
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            // Write-only: C# `required` (Router.Matcher, ignored anyway) must not make STJ demand a setter.
            TypeInfoResolver = new DefaultJsonTypeInfoResolver
            {
                Modifiers =
                {
                    static info =>
                    {
                        foreach (var property in info.Properties)
                        {
                            property.IsRequired = false;
                        }

                        if (info.Type == typeof(MiddlewareConfig))
                        {
                            info.PolymorphismOptions = MiddlewareCatalogue.Polymorphism();
                        }
                    },
                },
            },
        };
        foreach (var converter in extra)
        {
            options.Converters.Add(converter);
        }

        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new GoDurationConverter());
        options.Converters.Add(new IpNetworkConverter());
        options.Converters.Add(new OrdinalDictionaryConverterFactory());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>TimeSpan as a Go duration string.</summary>
    private sealed class GoDurationConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            GoDuration.TryParse(reader.GetString(), out var value) ? value : throw new JsonException("invalid duration");

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteStringValue(GoDuration.Format(value));
    }

    /// <summary>An IP range as CIDR text ("10.0.0.0/8", "192.168.1.7/32"): the parsed value, canonical.</summary>
    private sealed class IpNetworkConverter : JsonConverter<System.Net.IPNetwork>
    {
        public override System.Net.IPNetwork Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            IpRanges.TryParse(reader.GetString(), out var network, out var error) ? network : throw new JsonException(error);

        public override void Write(Utf8JsonWriter writer, System.Net.IPNetwork value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }

    /// <summary>Writes any string-keyed dictionary in ordinal key order (a comparer is not trusted for output).</summary>
    private sealed class OrdinalDictionaryConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsGenericType
            && typeToConvert.GetGenericArguments() is [var key, _]
            && key == typeof(string)
            && typeToConvert.GetGenericTypeDefinition() is var def
            && (def == typeof(ImmutableSortedDictionary<,>) || def == typeof(ImmutableDictionary<,>)
                || def == typeof(Dictionary<,>) || def == typeof(IReadOnlyDictionary<,>));

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(
                typeof(OrdinalDictionaryConverter<,>).MakeGenericType(typeToConvert, typeToConvert.GetGenericArguments()[1]))!;
    }

    private sealed class OrdinalDictionaryConverter<TDictionary, TValue> : JsonConverter<TDictionary>
        where TDictionary : IEnumerable<KeyValuePair<string, TValue>>
    {
        public override TDictionary Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("RoutingTableJson writes tables; it does not read them.");

        public override void Write(Utf8JsonWriter writer, TDictionary value, JsonSerializerOptions options)
        {
            var entries = value.ToArray();
            Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            writer.WriteStartObject();
            foreach (var (key, item) in entries)
            {
                writer.WritePropertyName(key);
                JsonSerializer.Serialize(writer, item, options);
            }

            writer.WriteEndObject();
        }
    }
}
