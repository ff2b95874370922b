using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Switchyard.DataPlane.Swap;

namespace Switchyard.DataPlane.Tests;

/// <summary>
/// ARCHITECTURE.md: the RoutingTable is the only contract; the data plane never sees a CRD. Switchyard.DataPlane
/// may reach Switchyard.Model through Routing, so the compiler cannot stop it: this reads the assembly's type
/// references (every type its IL, signatures and attributes name from another assembly) and fails on any CRD type.
/// </summary>
public class DependencyDirectionTests
{
    [Test]
    public void DataPlaneUsesNoTraefikModelType()
    {
        var referenced = ReferencedTypeNames(typeof(TableHolder).Assembly.Location);
        Assert.That(referenced, Has.Some.StartsWith("Switchyard.Routing.Table."), "the reader finds the table types the data plane does use");
        Assert.That(referenced.Where(n => n.StartsWith("Switchyard.Model.Traefik", StringComparison.Ordinal)), Is.Empty);
    }

    private static List<string> ReferencedTypeNames(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var names = new List<string>();
        foreach (var handle in reader.TypeReferences)
        {
            var type = reader.GetTypeReference(handle);
            var ns = reader.GetString(type.Namespace);
            // A nested type's namespace is empty: name it by its declaring type's namespace.
            var scope = type.ResolutionScope;
            while (ns.Length == 0 && scope.Kind == HandleKind.TypeReference)
            {
                var outer = reader.GetTypeReference((TypeReferenceHandle)scope);
                ns = reader.GetString(outer.Namespace);
                scope = outer.ResolutionScope;
            }

            names.Add(ns + "." + reader.GetString(type.Name));
        }

        return names;
    }
}
