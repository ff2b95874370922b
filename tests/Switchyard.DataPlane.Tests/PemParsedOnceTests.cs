using Switchyard.DataPlane.Swap;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests;

/// <summary>
/// Issue 13.2: PEM is parsed once, by the compiler (PemCertificate.Parse); the table carries the certificates and
/// the data plane's table build uses them. This walks the IL of every method of Switchyard.DataPlane (lambdas and
/// async state machines included) and fails on any call to a PEM parser outside the ACME client, whose
/// certificates come from the CA at run time, not from the table.
/// </summary>
public class PemParsedOnceTests
{
    [Test]
    public void TheDataPlaneParsesNoPemOutsideAcme()
    {
        var calls = new List<string>();
        var pemCalls = new List<string>();
        foreach (var type in typeof(TableHolder).Assembly.GetTypes())
        {
            var ns = Outermost(type).Namespace ?? "";
            foreach (var method in IlCalls.Methods(type))
            {
                foreach (var callee in IlCalls.Callees(method))
                {
                    calls.Add(callee.Name);
                    if (callee.Name.Contains("FromPem", StringComparison.Ordinal) && !ns.StartsWith("Switchyard.DataPlane.Acme", StringComparison.Ordinal))
                    {
                        pemCalls.Add($"{type.FullName}.{method.Name} calls {callee.DeclaringType?.Name}.{callee.Name}");
                    }
                }
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(calls, Has.Some.EqualTo("CreateFromPem"), "the reader finds the ACME client's PEM parsing, so it would find others");
            Assert.That(pemCalls, Is.Empty);
        });
    }

    private static Type Outermost(Type type) => type.DeclaringType is { } outer ? Outermost(outer) : type;
}
