using System.Reflection;
using System.Text.Json.Serialization;
using Switchyard.Model.Traefik;
using Switchyard.Routing;
using Switchyard.Routing.Compiler;
using Switchyard.TestKit;

namespace Switchyard.Routing.Tests.Compiler;

/// <summary>
/// No silent ignore: every field of every CRD kind's spec (walked by reflection over the model) is read by the
/// compiler — proven from its IL, a call to the property's getter in some method of Switchyard.Routing — and the
/// fields it reads only to warn that they are not applied are the ones listed in <see cref="ModelFieldUse.NotApplied"/>,
/// the single list of them. A new model field nobody reads fails here.
/// </summary>
[TestFixture]
public sealed class ModelFieldsConsumedTests
{
    private static readonly Type[] Kinds =
    [
        typeof(IngressRoute), typeof(Middleware), typeof(ServersTransport), typeof(TlsOption), typeof(TlsStore), typeof(TraefikService),
        typeof(IngressRouteTcp), typeof(IngressRouteUdp), typeof(MiddlewareTcp), typeof(ServersTransportTcp),
    ];

    [Test]
    public void Every_model_field_is_read_by_the_compiler()
    {
        var fields = ModelFields();
        Assert.That(fields, Has.Count.GreaterThan(300), "the walk found too few fields: it is broken");
        var read = GettersCalledBy(typeof(RoutingCompiler).Assembly);
        var unread = fields.Where(f => !read.Contains(f.Value) && !ModelFieldUse.ReadBySource.ContainsKey(f.Key))
            .Select(f => f.Key).Order(StringComparer.Ordinal).ToList();
        Assert.That(unread, Is.Empty,
            "these fields are accepted by the CRDs but no compiler code reads them (a manifest setting them would be silently ignored): " +
            "map them into the table, or warn and list them in ModelFieldUse.NotApplied: " + string.Join(", ", unread));
    }

    [Test]
    public void Every_not_applied_entry_names_a_model_field_the_compiler_reads_with_a_code_and_reason()
    {
        var fields = ModelFields();
        var read = GettersCalledBy(typeof(RoutingCompiler).Assembly);
        foreach (var (field, (code, reason)) in ModelFieldUse.NotApplied)
        {
            Assert.That(fields, Does.ContainKey(field), $"ModelFieldUse.NotApplied names '{field}', which is not a model field");
            Assert.That(read, Does.Contain(fields[field]), $"'{field}' must be read by the compiler to be warned about");
            Assert.That(code, Does.Match("^SY[0-9]{3}$"));
            Assert.That(reason, Is.Not.Empty);
        }
    }

    [Test]
    public void Every_refused_or_source_read_entry_names_a_model_field()
    {
        var fields = ModelFields();
        var read = GettersCalledBy(typeof(RoutingCompiler).Assembly);
        foreach (var (field, (code, _)) in ModelFieldUse.Refused)
        {
            Assert.That(fields, Does.ContainKey(field), $"ModelFieldUse.Refused names '{field}', which is not a model field");
            Assert.That(read, Does.Contain(fields[field]), $"'{field}' must be read by the compiler to be refused");
            Assert.That(code, Does.Match("^SY[0-9]{3}$"));
        }

        foreach (var field in ModelFieldUse.ReadBySource.Keys)
        {
            Assert.That(fields, Does.ContainKey(field), $"ModelFieldUse.ReadBySource names '{field}', which is not a model field");
        }
    }

    [Test]
    public void The_il_walk_sees_a_getter_that_is_called_and_not_one_that_is_not()
    {
        var read = GettersCalledBy(typeof(ModelFieldsConsumedTests).Assembly);
        Assert.That(read, Does.Contain(typeof(Probe).GetProperty(nameof(Probe.Used))!.GetMethod!));
        Assert.That(read, Does.Not.Contain(typeof(Probe).GetProperty(nameof(Probe.Unused))!.GetMethod!));
        Assert.That(new Probe().Used, Is.Zero);
    }

    /// <summary>"Type.jsonName" → getter, for every JSON property reachable from the kinds' spec.</summary>
    private static Dictionary<string, MethodInfo> ModelFields()
    {
        var result = new Dictionary<string, MethodInfo>(StringComparer.Ordinal);
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>(Kinds.Select(k => k.GetProperty("Spec")!.PropertyType));
        while (queue.TryDequeue(out var type))
        {
            if (!seen.Add(type))
            {
                continue;
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<JsonPropertyNameAttribute>() is not { } name)
                {
                    continue;
                }

                // The declaring type's getter: an inherited property seen from a derived record is the same method.
                var key = $"{property.DeclaringType!.Name}.{name.Name}";
                result[key] = property.DeclaringType.GetProperty(property.Name)!.GetMethod!;
                if (ModelFieldUse.NotApplied.ContainsKey(key) || ModelFieldUse.Refused.ContainsKey(key))
                {
                    continue; // the fields inside share the fate of the warned or refused object
                }

                foreach (var inner in ModelTypes(property.PropertyType))
                {
                    queue.Enqueue(inner);
                }
            }
        }

        return result;
    }

    private static IEnumerable<Type> ModelTypes(Type type)
    {
        if (type.Namespace?.StartsWith("Switchyard.Model.Traefik", StringComparison.Ordinal) == true && type.IsClass)
        {
            yield return type;
        }

        foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
        {
            foreach (var inner in ModelTypes(argument))
            {
                yield return inner;
            }
        }
    }

    private static HashSet<MethodBase> GettersCalledBy(Assembly assembly) => IlCalls.CalledBy(assembly);

    private sealed class Probe
    {
        public int Used { get; init; }

        public int Unused { get; init; }
    }
}
