using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Switchyard.DataPlane.Middlewares;
using Switchyard.Model.Traefik;
using Switchyard.Routing;
using Switchyard.Routing.Compiler.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>
/// Issue 13.5: a Traefik middleware type is declared once, in the compiler's MiddlewareCatalogue (name, spec
/// accessor, table record, mapper). What cannot be derived from it — the CRD spec property and the data plane's
/// factory — is checked against it here, so a type added in one place and forgotten in another fails this test,
/// not a user.
/// </summary>
public class MiddlewareListsAgreeTests
{
    private static readonly MiddlewareKind[] Mapped = [.. MiddlewareCatalogue.All.Where(k => k.Role == MiddlewareRole.Mapped)];

    [Test]
    public void EverySpecPropertyIsInTheCatalogueAndBack()
    {
        var specNames = typeof(MiddlewareSpec).GetProperties()
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)
            .OfType<string>();
        Assert.That(MiddlewareCatalogue.All.Select(k => k.Name), Is.EqualTo(specNames), "catalogue order is the spec's order");
    }

    [Test]
    public void EachKindReadsItsOwnSpecProperty()
    {
        // A spec with only property P set must be recognised as kind P and nothing else (catches a copy-pasted accessor).
        foreach (var property in typeof(MiddlewareSpec).GetProperties())
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name;
            var value = name == "plugin" ? "{\"demo\":{}}" : "{}";
            var spec = JsonSerializer.Deserialize<MiddlewareSpec>($"{{\"{name}\":{value}}}")!;
            Assert.That(MiddlewareCatalogue.KindsOf(spec).Select(k => k.Name), Is.EqualTo(new[] { name }), name);
        }
    }

    [Test]
    public void EveryMappedTypeHasADataPlaneFactoryAndBack()
    {
        Assert.That(MiddlewareRegistry.ConfigTypes.Select(t => t.Name).Order(StringComparer.Ordinal),
            Is.EqualTo(Mapped.Select(k => k.ConfigType!.Name).Concat(MiddlewareCatalogue.ProviderInternal.Select(k => k.ConfigType.Name))
                .Distinct().Order(StringComparer.Ordinal)));
    }

    [Test]
    public void EveryTableRecordIsConcreteSealedAndOwnedByOneName()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Mapped.Where(k => k.ConfigType!.IsAbstract || !k.ConfigType.IsSealed).Select(k => k.Name), Is.Empty);
            // Two current names on one record would make the JSON discriminator ambiguous; a deprecated spelling
            // shares its successor's record.
            Assert.That(Mapped.Where(k => k.DeprecatedFor is null).GroupBy(k => k.ConfigType).Where(g => g.Count() > 1).Select(g => g.Key!.Name), Is.Empty);
            Assert.That(Mapped.Where(k => k.DeprecatedFor is { } current && Mapped.Single(c => c.Name == current).ConfigType != k.ConfigType).Select(k => k.Name), Is.Empty);
        });
    }

    [Test]
    public void TheTableJsonNamesEachRecordByItsTraefikName()
    {
        var json = JsonSerializer.Serialize<MiddlewareConfig>(new AddPrefixConfig("/p"), RoutingTableJson.Options);
        var unsupported = JsonSerializer.Serialize<MiddlewareConfig>(new UnsupportedMiddlewareConfig("tap"), RoutingTableJson.Options);
        Assert.Multiple(() =>
        {
            Assert.That(json, Does.Contain("\"type\": \"addPrefix\""));
            Assert.That(unsupported, Does.Contain("\"type\": \"unsupported\""));
        });
    }
}
