using System.Text.Json.Nodes;

namespace Switchyard.TestKit.FakeKube;

/// <summary>JSON merge patch (RFC 7386), also used as the approximation of strategic merge for built-in kinds.</summary>
public static class MergePatch
{
    /// <summary>Returns a new node: <paramref name="target"/> with <paramref name="patch"/> applied.</summary>
    /// <param name="dropDirectives">Strategic-merge patches carry <c>$patch</c>/<c>$setElementOrder</c> keys; drop them.</param>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch, bool dropDirectives = false)
    {
        if (patch is not JsonObject patchObj)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? t.DeepClone().AsObject() : new JsonObject();
        foreach (var (key, value) in patchObj)
        {
            if (dropDirectives && key.StartsWith('$'))
            {
                continue;
            }

            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var current = result[key];
                result.Remove(key);
                result[key] = Apply(current, value, dropDirectives);
            }
        }

        return result;
    }
}
