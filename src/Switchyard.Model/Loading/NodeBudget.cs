using System.Text.Json.Nodes;
using YamlDotNet.Core;

namespace Switchyard.Model.Loading;

/// <summary>A bound passed while reading YAML; <see cref="StopsFile"/> when the rest of the file is not read either.</summary>
internal sealed class ManifestLimitException(Mark start, string message, bool stopsFile) : Exception(message)
{
    public Mark Start { get; } = start;

    public bool StopsFile { get; } = stopsFile;
}

/// <summary>
/// Counts the nodes one file expands to, copies of anchors and merge keys included, so a few lines of aliases
/// ("billion laughs") cannot build billions of nodes; and checks that a copy does not nest past
/// <see cref="ManifestLimits.MaxDepth"/> where it is pasted. A copy is measured before it is made.
/// </summary>
internal sealed class NodeBudget
{
    private long _used;
    private long _copied;

    public void Take(long count, Mark at)
    {
        _used += count;
        if (_used > ManifestLimits.MaxNodes)
        {
            throw new ManifestLimitException(at,
                $"the file expands to more than {ManifestLimits.MaxNodes:N0} values (aliases count every copy); it is not read", stopsFile: true);
        }
    }

    /// <summary>Charges a copy of <paramref name="node"/> pasted at <paramref name="depth"/>, without recursion.</summary>
    public void TakeCopy(JsonNode? node, int depth, Mark at)
    {
        if (node is null)
        {
            return;
        }

        var stack = new Stack<(JsonNode Node, int Depth)>();
        stack.Push((node, depth));
        while (stack.Count > 0)
        {
            var (current, level) = stack.Pop();
            Take(1, at);
            if (++_copied > ManifestLimits.MaxAliasNodes)
            {
                throw new ManifestLimitException(at,
                    $"the file's aliases and merge keys copy more than {ManifestLimits.MaxAliasNodes:N0} values; it is not read", stopsFile: true);
            }

            if (level > ManifestLimits.MaxDepth)
            {
                throw new ManifestLimitException(at,
                    $"the document nests deeper than {ManifestLimits.MaxDepth} levels (through an alias); it is not read", stopsFile: false);
            }

            switch (current)
            {
                case JsonObject obj:
                    foreach (var (_, child) in obj)
                    {
                        if (child is not null)
                        {
                            stack.Push((child, level + 1));
                        }
                    }

                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        if (child is not null)
                        {
                            stack.Push((child, level + 1));
                        }
                    }

                    break;
            }
        }
    }
}
