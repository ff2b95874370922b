using System.Reflection;
using System.Text.Json.Serialization;
using Switchyard.DataPlane.Middlewares;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>
/// Issue 13.5 (at the least): a Traefik middleware type is named in parallel lists — the CRD spec property, the
/// table's [JsonDerivedType] discriminator and the data plane's factory registry. This fails when they disagree,
/// so a type added to one list and forgotten in another is caught here, not by a user.
/// </summary>
public class MiddlewareListsAgreeTests
{
    // Spec properties that are not a middleware of their own in the table: chain is flattened into routers,
    // plugin and tap are refused (UnsupportedMiddlewareConfig), ipWhiteList is Traefik's deprecated name of ipAllowList.
    private static readonly string[] NotInTable = ["chain", "plugin", "tap", "ipWhiteList"];

    private static Dictionary<string, Type> Discriminators() => typeof(MiddlewareConfig)
        .GetCustomAttributes<JsonDerivedTypeAttribute>()
        .Where(a => a.DerivedType != typeof(UnsupportedMiddlewareConfig))
        .ToDictionary(a => (string)a.TypeDiscriminator!, a => a.DerivedType, StringComparer.Ordinal);

    [Test]
    public void EverySpecPropertyHasATableDiscriminatorAndBack()
    {
        var specNames = typeof(MiddlewareSpec).GetProperties()
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)
            .OfType<string>()
            .Except(NotInTable)
            .Order(StringComparer.Ordinal);
        Assert.That(Discriminators().Keys.Order(StringComparer.Ordinal), Is.EqualTo(specNames));
    }

    [Test]
    public void EveryTableMiddlewareTypeHasAFactory()
    {
        var factories = (System.Collections.IDictionary)typeof(MiddlewareRegistry)
            .GetField("Factories", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
        Assert.That(factories.Keys.Cast<Type>().Select(t => t.Name),
            Is.EquivalentTo(Discriminators().Values.Select(t => t.Name)));
    }

    [Test]
    public void EveryTableMiddlewareTypeIsConcreteAndSealed()
    {
        Assert.That(Discriminators().Values.Where(t => t.IsAbstract || !t.IsSealed).Select(t => t.Name), Is.Empty);
    }
}
