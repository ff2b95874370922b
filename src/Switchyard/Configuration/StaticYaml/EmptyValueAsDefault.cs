using System.Runtime.CompilerServices;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Switchyard.Configuration.StaticYaml;

/// <summary>
/// An empty value (<c>key:</c>, <c>~</c>, <c>null</c>) where the class holds a bool, int, long or double — a key's or a
/// list item's — reads as that type's default (false, 0), as it did with YamlDotNet's reflection deserializer (its
/// TypeConverter.ChangeType made default(T) of a null). The generated setters cast the value, so a null would throw
/// there; a nullable key (int?, long?) keeps its null. Wraps YamlDotNet's NullNodeDeserializer, which finds the empty
/// values.
/// </summary>
internal sealed class EmptyValueAsDefault(INodeDeserializer nullNodes) : INodeDeserializer
{
    public bool Deserialize(IParser parser, Type expectedType, Func<IParser, Type, object?> nestedObjectDeserializer,
        out object? value, ObjectDeserializer rootDeserializer)
    {
        if (!nullNodes.Deserialize(parser, expectedType, nestedObjectDeserializer, out value, rootDeserializer))
        {
            return false;
        }

        if (value is null && expectedType.IsValueType && Nullable.GetUnderlyingType(expectedType) is null)
        {
            // A zeroed box of the value type: its default, without reflecting over constructors.
            value = RuntimeHelpers.GetUninitializedObject(expectedType);
        }

        return true;
    }
}
