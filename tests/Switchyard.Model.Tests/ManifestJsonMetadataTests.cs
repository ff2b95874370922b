using System.Collections;
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Switchyard.Model.Loading;
using Switchyard.TestKit;

namespace Switchyard.Model.Tests;

/// <summary>
/// Manifests decode through compiled (source-generated) metadata, so a start does not build each kind's contract by
/// reflection; that metadata must read and write every object exactly as reflection's would.
/// </summary>
[CancelAfter(60_000)]
public class ManifestJsonMetadataTests
{
    /// <summary>The snapshot's list of each kind it holds, i.e. of every kind a manifest decodes to.</summary>
    private static IEnumerable<System.Reflection.PropertyInfo> KindLists() => typeof(ClusterSnapshot).GetProperties()
        .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(ImmutableArray<>)
            && p.PropertyType.GetGenericArguments()[0] != typeof(Diagnostics.Diagnostic));

    private static Type Kind(System.Reflection.PropertyInfo list) => list.PropertyType.GetGenericArguments()[0];

    [Test]
    public void Every_kind_a_manifest_decodes_to_has_compiled_metadata()
    {
        var kinds = KindLists().Select(Kind).ToList();
        Assert.That(kinds, Has.Count.GreaterThanOrEqualTo(24));
        Assert.Multiple(() =>
        {
            foreach (var kind in kinds)
            {
                Assert.That(ManifestLimits.DeepKubernetesJson.GetTypeInfo(kind).OriginatingResolver, Is.InstanceOf<JsonSerializerContext>(), kind.Name);
            }
        });
    }

    [Test]
    public void Golden_and_seed_manifests_read_and_write_as_with_reflection_metadata()
    {
        var root = RepositoryRoot.Folder;
        // Each golden case on its own: the cases reuse names, and one snapshot of all would keep one object per name.
        var folders = Directory.GetDirectories(Path.Combine(root, "tests", "Switchyard.Routing.Tests", "golden")).Order(StringComparer.Ordinal)
            .Prepend(Path.Combine(root, "config", "manifests"));
        var reflection = new JsonSerializerOptions(ManifestLimits.DeepKubernetesJson) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        var lists = KindLists().ToList();
        var compared = 0;
        Assert.Multiple(() =>
        {
            foreach (var folder in folders)
            {
                var snapshot = ManifestLoader.LoadFiles([folder]);
                foreach (var list in lists)
                {
                    var kind = Kind(list);
                    foreach (var obj in (IEnumerable)list.GetValue(snapshot)!)
                    {
                        // Written by each, then the reflection text read back by each: the same text both ways.
                        var byReflection = JsonSerializer.Serialize(obj, kind, reflection);
                        var where = $"{Path.GetFileName(folder)}: {kind.Name}";
                        Assert.That(JsonSerializer.Serialize(obj, kind, ManifestLimits.DeepKubernetesJson), Is.EqualTo(byReflection), where);
                        var readBack = JsonSerializer.Deserialize(byReflection, kind, ManifestLimits.DeepKubernetesJson);
                        Assert.That(JsonSerializer.Serialize(readBack, kind, reflection), Is.EqualTo(byReflection), where);
                        compared++;
                    }
                }
            }
        });
        Assert.That(compared, Is.GreaterThan(300));
    }
}
