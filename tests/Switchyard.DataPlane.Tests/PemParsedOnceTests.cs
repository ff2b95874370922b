using System.Reflection;
using System.Reflection.Emit;
using Switchyard.DataPlane.Swap;

namespace Switchyard.DataPlane.Tests;

/// <summary>
/// Issue 13.2: PEM is parsed once, by the compiler (PemCertificate.Parse); the table carries the certificates and
/// the data plane's table build uses them. This walks the IL of every method of Switchyard.DataPlane (lambdas and
/// async state machines included) and fails on any call to a PEM parser outside the ACME client, whose
/// certificates come from the CA at run time, not from the table.
/// </summary>
public class PemParsedOnceTests
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Test]
    public void TheDataPlaneParsesNoPemOutsideAcme()
    {
        var calls = new List<string>();
        var pemCalls = new List<string>();
        foreach (var type in typeof(TableHolder).Assembly.GetTypes())
        {
            var ns = Outermost(type).Namespace ?? "";
            foreach (var method in Methods(type))
            {
                foreach (var callee in Callees(method))
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

    private static IEnumerable<MethodBase> Methods(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all));
    }

    /// <summary>Every method a body calls, creates or takes the address of (call, callvirt, newobj, ldftn, ldvirtftn).</summary>
    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArgs = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            var value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            var op = OpCodesByValue[value];
            i += op.Size;
            var operand = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
            if (op.OperandType == OperandType.InlineMethod)
            {
                yield return method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArgs, methodArgs)!;
            }

            i += operand;
        }
    }
}
