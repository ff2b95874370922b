using System.Text;
using Switchyard.Configuration;
using Switchyard.Configuration.StaticYaml;
using Switchyard.TestKit;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Switchyard.EndToEnd.Tests.StaticConfiguration;

/// <summary>
/// switchyard.yaml is read through the generated StaticConfigYamlContext instead of YamlDotNet's reflection
/// deserializer (no reflection over the config classes; it did not measurably speed the start): every class the file reaches must be in the context with the keys StaticConfigKeyCheck
/// knows, and a file must read as it did with reflection — the repository's config, files setting every key, a file
/// setting every key to an empty value.
/// </summary>
[CancelAfter(10_000)]
public class StaticConfigYamlContextTests
{
    [Test]
    public void EveryClassTheFileReaches_IsInTheContext_WithTheKeysTheKeyCheckKnows()
    {
        var context = new StaticConfigYamlContext();
        var inspector = new StaticDeserializerBuilder(context).WithNamingConvention(CamelCaseNamingConvention.Instance).BuildTypeInspector();
        var classes = Classes();
        Assert.That(classes, Has.Count.GreaterThan(40), "the walk from StaticConfig found too few classes");
        Assert.Multiple(() =>
        {
            foreach (var type in classes)
            {
                Assert.That(context.IsKnownType(type), Is.True, $"add [YamlSerializable(typeof({type.Name}))] to StaticConfigYamlContext");
                var generated = inspector.GetProperties(type, null).Where(p => p.CanWrite).ToDictionary(p => p.Name, p => p.Type);
                Assert.That(generated, Is.EquivalentTo(StaticConfigKeyCheck.Properties(type)), type.Name);
            }
        });
    }

    [Test]
    public void TheRepositorysConfig_ReadsAsWithReflection()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Folder, "config", "switchyard.yaml"));
        Assert.That(Generated(text), Is.EqualTo(Reflected(text)));
    }

    [TestCase("true", "7", "9", "0.5", "x")]
    [TestCase("false", "-1", "0", "1e3", "'0s'")]
    [TestCase("null", "null", "null", "null", "null")]
    [TestCase("~", "Null", "NULL", "~", "''")]
    public void EveryKeySet_ReadsAsWithReflection(string boolean, string integer, string wide, string number, string text)
    {
        var yaml = EveryKey(type =>
            type == typeof(bool) ? boolean
            : type == typeof(int) ? integer
            : type == typeof(long) ? wide
            : type == typeof(double) ? number
            : type == typeof(string) ? text
            : throw new AssertionException($"a {type.Name} key: give EveryKey a value for it"));
        Assert.That(Generated(yaml), Is.EqualTo(Reflected(yaml)), yaml);
    }

    [Test]
    public void EmptyValuesInBlockStyle_ReadAsWithReflection()
    {
        const string yaml = """
            entryPoints:
              web:
                address: ":8000"
                admin:
                http2:
                  maxConcurrentStreams:
                udp:
                  maxSessions: ~
            providers:
              file:
                directory: m
                maxFiles:
                watch:
            metrics:
              prometheus:
                buckets: [0.1, ~, 5]
            """;
        var generated = StaticConfigYaml.Read(yaml)!;
        Assert.Multiple(() =>
        {
            Assert.That(Generated(yaml), Is.EqualTo(Reflected(yaml)));
            Assert.That(generated.EntryPoints["web"].Admin, Is.False);
            Assert.That(generated.EntryPoints["web"].Http2.MaxConcurrentStreams, Is.Zero);
            Assert.That(generated.Providers.File!.MaxFiles, Is.Null);
            Assert.That(generated.Metrics.Prometheus!.Buckets, Is.EqualTo(new[] { 0.1, 0, 5 }));
        });
    }

    /// <summary>The StaticConfig classes, walked from the root as StaticConfigKeyCheck walks a file.</summary>
    private static HashSet<Type> Classes()
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>([typeof(StaticConfig)]);
        while (pending.TryPop(out var type))
        {
            var (shape, element) = StaticConfigKeyCheck.ShapeOf(type);
            if (shape is StaticConfigKeyCheck.Shape.Names or StaticConfigKeyCheck.Shape.List)
            {
                pending.Push(element);
            }
            else if (shape == StaticConfigKeyCheck.Shape.Object && seen.Add(element))
            {
                foreach (var property in StaticConfigKeyCheck.Properties(element).Values)
                {
                    pending.Push(property);
                }
            }
        }

        return seen;
    }

    /// <summary>A file (flow style) setting every key of every class, two names per map and two items per list.</summary>
    private static string EveryKey(Func<Type, string> scalar)
    {
        var yaml = new StringBuilder();
        Write(typeof(StaticConfig));
        return yaml.ToString();

        void Write(Type type)
        {
            var (shape, element) = StaticConfigKeyCheck.ShapeOf(type);
            switch (shape)
            {
                case StaticConfigKeyCheck.Shape.Scalar:
                    yaml.Append(scalar(element));
                    return;
                case StaticConfigKeyCheck.Shape.List:
                    yaml.Append('[');
                    Write(element);
                    yaml.Append(", ");
                    Write(element);
                    yaml.Append(']');
                    return;
                case StaticConfigKeyCheck.Shape.Names:
                    yaml.Append("{a: ");
                    Write(element);
                    yaml.Append(", b: ");
                    Write(element);
                    yaml.Append('}');
                    return;
                case StaticConfigKeyCheck.Shape.Object:
                    var separator = "{";
                    foreach (var (key, property) in StaticConfigKeyCheck.Properties(element))
                    {
                        yaml.Append(separator).Append(key).Append(": ");
                        Write(property);
                        separator = ", ";
                    }

                    yaml.Append(separator == "{" ? "{}" : "}");
                    return;
                default:
                    throw new AssertionException($"a {type.Name} key: give EveryKey a value for it");
            }
        }
    }

    private static string Generated(string yaml) => Text(StaticConfigYaml.Read(yaml));

    /// <summary>What StaticConfigLoader did before the generated context: YamlDotNet's reflection deserializer.</summary>
    private static string Reflected(string yaml) =>
        Text(new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<StaticConfig?>(yaml));

    /// <summary>Every property of the read classes, written out (by reflection, which is fine in a test).</summary>
    private static string Text(StaticConfig? config) =>
        new SerializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Serialize(config ?? new StaticConfig());
}
