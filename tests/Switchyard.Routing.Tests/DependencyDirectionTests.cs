using System.Reflection;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Tests;

/// <summary>ARCHITECTURE.md rule 10: Routing is pure — no ASP.NET Core, no YARP, no Kubernetes API client.</summary>
public class DependencyDirectionTests
{
    [Test]
    public void RoutingReferencesNeitherAspNetCoreNorYarp()
    {
        var refs = typeof(RoutingTable).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();
        Assert.That(refs, Has.None.StartsWith("Microsoft.AspNetCore"));
        Assert.That(refs, Has.None.StartsWith("Yarp"));
    }

    [Test]
    public void RoutingUsesNoKubernetesClientType()
    {
        var offenders = typeof(RoutingTable).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Select(f => f.FieldType)
                .Concat(t.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).SelectMany(c => c.GetParameters()).Select(p => p.ParameterType)))
            .Where(t => t.FullName is { } n && (n == "k8s.Kubernetes" || n == "k8s.IKubernetes" || n.StartsWith("k8s.Autorest", StringComparison.Ordinal)))
            .ToList();
        Assert.That(offenders, Is.Empty);
    }
}
