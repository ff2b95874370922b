using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using YamlDotNet.Serialization.NodeDeserializers;

namespace Switchyard.Configuration.StaticYaml;

/// <summary>switchyard.yaml's text into StaticConfig through the generated StaticConfigYamlContext (no reflection).</summary>
public static class StaticConfigYaml
{
    /// <summary>
    /// Strict: a key no class has throws (StaticConfigKeyCheck has reported those in the config's words before this
    /// runs); an empty value reads as before (EmptyValueAsDefault).
    /// </summary>
    public static IDeserializer CreateDeserializer() =>
        new StaticDeserializerBuilder(new StaticConfigYamlContext())
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .WithNodeDeserializer(nullNodes => new EmptyValueAsDefault(nullNodes), s => s.InsteadOf<NullNodeDeserializer>())
            .Build();

    /// <summary>The file's root, or null when the text holds no document or an empty one.</summary>
    public static StaticConfig? Read(string text) => CreateDeserializer().Deserialize<StaticConfig?>(text);
}
