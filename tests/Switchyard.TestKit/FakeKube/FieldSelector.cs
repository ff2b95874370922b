using System.Text.Json.Nodes;

namespace Switchyard.TestKit.FakeKube;

/// <summary>The fieldSelector query parameter, limited to what clients use: metadata.name and metadata.namespace (= and !=).</summary>
public sealed class FieldSelector
{
    private readonly List<(string Field, string Value, bool Equal)> _terms = [];

    public static FieldSelector Parse(string? text)
    {
        var selector = new FieldSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }

        foreach (var term in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var ne = term.IndexOf("!=", StringComparison.Ordinal);
            if (ne > 0)
            {
                selector._terms.Add((term[..ne], term[(ne + 2)..], false));
                continue;
            }

            var eq = term.IndexOf('=');
            if (eq <= 0)
            {
                throw ApiError.BadRequest($"invalid field selector \"{text}\"");
            }

            selector._terms.Add((term[..eq], term[(eq + 1)..].TrimStart('='), true));
        }

        foreach (var (field, _, _) in selector._terms)
        {
            if (field is not ("metadata.name" or "metadata.namespace"))
            {
                throw ApiError.BadRequest($"field label not supported: {field}");
            }
        }

        return selector;
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (field, value, equal) in _terms)
        {
            var actual = field == "metadata.name" ? (string?)obj["metadata"]?["name"] : (string?)obj["metadata"]?["namespace"];
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }
}
