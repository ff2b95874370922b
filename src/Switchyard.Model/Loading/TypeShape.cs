using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Switchyard.Model.Loading;

/// <summary>What JSON a .NET type accepts, derived once per type by reflection over its JSON attributes.</summary>
internal abstract record TypeShape
{
    private static readonly ConcurrentDictionary<Type, TypeShape> Cache = new();

    public static TypeShape Of(Type type) => Cache.GetOrAdd(type, Create);

    private static TypeShape Create(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new ScalarShape(ScalarKind.String);
        }

        if (type == typeof(bool))
        {
            return new ScalarShape(ScalarKind.Bool);
        }

        if (type == typeof(int) || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(ushort))
        {
            return new ScalarShape(ScalarKind.Integer, int.MinValue, int.MaxValue);
        }

        if (type == typeof(long) || type == typeof(uint) || type == typeof(ulong))
        {
            return new ScalarShape(ScalarKind.Integer, long.MinValue, long.MaxValue);
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return new ScalarShape(ScalarKind.Number);
        }

        if (type == typeof(IntOrString))
        {
            return new ScalarShape(ScalarKind.IntOrString, int.MinValue, int.MaxValue);
        }

        if (type == typeof(ResourceQuantity))
        {
            return new ScalarShape(ScalarKind.StringOrNumber);
        }

        if (type == typeof(byte[]))
        {
            return new ScalarShape(ScalarKind.Base64);
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new ScalarShape(ScalarKind.String);
        }

        if (type == typeof(object) || type == typeof(JsonElement) || typeof(JsonNode).IsAssignableFrom(type))
        {
            return AnyShape.Instance;
        }

        if ((FindGeneric(type, typeof(IDictionary<,>)) ?? FindGeneric(type, typeof(IReadOnlyDictionary<,>))) is { } dict)
        {
            return new MapShape(dict.GetGenericArguments()[1]);
        }

        if (type.IsArray)
        {
            return new ListShape(type.GetElementType()!);
        }

        if (FindGeneric(type, typeof(IEnumerable<>)) is { } list)
        {
            return new ListShape(list.GetGenericArguments()[0]);
        }

        if (type.IsEnum)
        {
            return new ScalarShape(ScalarKind.String);
        }

        return ObjectShape.For(type);
    }

    private static Type? FindGeneric(Type type, Type definition)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == definition)
        {
            return type;
        }

        return type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);
    }
}

internal enum ScalarKind
{
    String,
    Bool,
    Integer,
    Number,
    IntOrString,
    StringOrNumber,
    Base64,
}

internal sealed record ScalarShape(ScalarKind Kind, long Min = 0, long Max = 0) : TypeShape;

internal sealed record AnyShape : TypeShape
{
    public static readonly AnyShape Instance = new();
}

internal sealed record MapShape(Type ValueType) : TypeShape;

internal sealed record ListShape(Type ItemType) : TypeShape;

/// <summary>A JSON object: its known properties (by JSON name), which of them are required, and whether extra keys are kept.</summary>
internal sealed record ObjectShape(IReadOnlyDictionary<string, ObjectShape.Property> Properties, bool AllowsExtra) : TypeShape
{
    public sealed record Property(string JsonName, Type Type, bool Required);

    public static ObjectShape For(Type type)
    {
        var properties = new Dictionary<string, Property>(StringComparer.Ordinal);
        var allowsExtra = false;
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always })
            {
                continue;
            }

            if (p.GetCustomAttribute<JsonExtensionDataAttribute>() is not null)
            {
                allowsExtra = true;
                continue;
            }

            if (p.SetMethod is null && p.GetCustomAttribute<JsonIncludeAttribute>() is null)
            {
                continue;
            }

            var name = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name);
            var required = p.GetCustomAttribute<JsonRequiredAttribute>() is not null || p.GetCustomAttribute<RequiredMemberAttribute>() is not null;
            properties[name] = new Property(name, p.PropertyType, required);
        }

        return new ObjectShape(properties, allowsExtra);
    }
}
