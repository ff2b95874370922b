using Switchyard.Model.Diagnostics;
using System.Collections;
using System.Globalization;
using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Switchyard.Configuration;

/// <summary>
/// Checks the keys and scalar values of switchyard.yaml against the StaticConfig classes before they are
/// deserialised, so every finding speaks the config's language: the key path (entryPoints.web.transport...),
/// the key as written, a "did you mean" and file:line:col — never a .NET type name. A Traefik key Switchyard
/// does not implement (TraefikStaticKeysNotSupported) is refused by name.
/// </summary>
public static class StaticConfigKeyCheck
{
    /// <summary>All findings in document order; empty when the file's keys and scalars fit the schema.</summary>
    public static IReadOnlyList<string> Check(string yaml, string fileName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            return [$"{ex.Message} at {fileName}:{ex.Start.Line}:{ex.Start.Column}"];
        }

        var findings = new List<string>();
        if (stream.Documents.Count > 0)
        {
            Walk(stream.Documents[0].RootNode, typeof(StaticConfig), "", "", fileName, findings);
        }

        return findings;
    }

    /// <summary>The YAML name of each settable property of a StaticConfig class (camelCase, or its YamlMember alias).</summary>
    public static IReadOnlyDictionary<string, Type> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<YamlIgnoreAttribute>() is null)
            .ToDictionary(
                p => p.GetCustomAttribute<YamlMemberAttribute>()?.Alias ?? CamelCaseNamingConvention.Instance.Apply(p.Name),
                p => p.PropertyType,
                StringComparer.Ordinal);

    /// <summary>What a YAML node of this type holds.</summary>
    public enum Shape { Any, Scalar, Names, List, Object }

    /// <summary>The shape of a StaticConfig member type, and the element type of maps and lists.</summary>
    public static (Shape Shape, Type Element) ShapeOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(object))
        {
            return (Shape.Any, type);
        }

        if (type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal))
        {
            return (Shape.Scalar, type);
        }

        if (type.IsArray)
        {
            return (Shape.List, type.GetElementType()!);
        }

        if (type.IsGenericType && typeof(IDictionary).IsAssignableFrom(type))
        {
            return (Shape.Names, type.GetGenericArguments()[1]);
        }

        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            return (Shape.List, type.GetGenericArguments()[0]);
        }

        return (Shape.Object, type);
    }

    private static void Walk(YamlNode node, Type type, string path, string pattern, string fileName, List<string> findings)
    {
        var (shape, element) = ShapeOf(type);
        if (shape == Shape.Any || IsNull(node))
        {
            return;
        }

        var where = $"{fileName}:{node.Start.Line}:{node.Start.Column}";
        var label = path.Length == 0 ? "the file" : path;
        switch (shape)
        {
            case Shape.Scalar:
                if (node is not YamlScalarNode scalar)
                {
                    findings.Add($"{label}: expected {Describe(element)}, found {Describe(node)} at {where}");
                }
                else if (!Fits(scalar.Value ?? "", element))
                {
                    findings.Add($"{label}: '{scalar.Value}' is not {Describe(element)} at {where}");
                }

                return;
            case Shape.List:
                if (node is not YamlSequenceNode sequence)
                {
                    findings.Add($"{label}: expected a list, found {Describe(node)} at {where}");
                    return;
                }

                var index = 0;
                foreach (var item in sequence.Children)
                {
                    Walk(item, element, $"{path}[{index++}]", $"{pattern}.[]", fileName, findings);
                }

                return;
        }

        if (node is not YamlMappingNode mapping)
        {
            findings.Add($"{label}: expected a mapping of keys, found {Describe(node)} at {where}");
            return;
        }

        var properties = shape == Shape.Object ? Properties(element) : null;
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? keyNode.ToString();
            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            if (properties is null)
            {
                Walk(value, element, childPath, Join(pattern, "*"), fileName, findings);
                continue;
            }

            var keyWhere = $"{fileName}:{keyNode.Start.Line}:{keyNode.Start.Column}";
            if (properties.TryGetValue(key, out var propertyType))
            {
                Walk(value, propertyType, childPath, Join(pattern, key), fileName, findings);
            }
            else if (TraefikStaticKeysNotSupported.Keys.Contains(Join(pattern, key)))
            {
                findings.Add($"Traefik option {childPath} is not supported by Switchyard at {keyWhere}");
            }
            else
            {
                var suggestion = Suggest(key, properties.Keys.Concat(NotSupportedBelow(pattern)));
                findings.Add($"{label}: unknown key '{key}'{(suggestion is null ? "" : $" (did you mean '{suggestion}'?)")} at {keyWhere}");
            }
        }
    }

    private static string Join(string pattern, string key) => pattern.Length == 0 ? key : $"{pattern}.{key}";

    private static IEnumerable<string> NotSupportedBelow(string pattern)
    {
        var prefix = pattern.Length == 0 ? "" : pattern + ".";
        return TraefikStaticKeysNotSupported.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('.', prefix.Length) < 0)
            .Select(k => k[prefix.Length..]);
    }

    /// <summary>The closest candidate: same letters in another case, or within 2 edits (1 for short keys).</summary>
    internal static string? Suggest(string key, IEnumerable<string> candidates) => NameHints.Suggest(key, candidates);

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static bool Fits(string value, Type type) =>
        type == typeof(string) ? true
        : type == typeof(bool) ? bool.TryParse(value, out _)
        : type == typeof(double) || type == typeof(float) || type == typeof(decimal)
            ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        : type == typeof(int) ? int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
        : type == typeof(long) ? long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
        : true;

    private static string Describe(Type type) =>
        type == typeof(bool) ? "true or false"
        : type == typeof(int) || type == typeof(long) ? "a whole number"
        : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? "a number"
        : "a single value";

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "a single value",
    };
}
