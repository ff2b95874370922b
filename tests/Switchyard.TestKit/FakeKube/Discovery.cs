using System.Text.Json.Nodes;

namespace Switchyard.TestKit.FakeKube;

/// <summary>The discovery documents kubectl and clients read: /version, /api, /apis, /api/v1, /apis/{g}, /apis/{g}/{v}.</summary>
public static class Discovery
{
    public static JsonObject? TryAnswer(string path, ResourceCatalog catalog, string serverAddress)
    {
        var segs = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segs switch
        {
            ["version"] => new JsonObject
            {
                ["major"] = "1",
                ["minor"] = "32",
                ["gitVersion"] = "v1.32.0-switchyard-fake",
                ["gitCommit"] = "0000000000000000000000000000000000000000",
                ["gitTreeState"] = "clean",
                ["buildDate"] = "2026-01-01T00:00:00Z",
                ["goVersion"] = "go1.23",
                ["compiler"] = "gc",
                ["platform"] = "linux/amd64",
            },
            ["api"] => new JsonObject
            {
                ["kind"] = "APIVersions",
                ["versions"] = new JsonArray("v1"),
                ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
            },
            ["apis"] => GroupList(catalog),
            ["api", var v] => ResourceList("", v, catalog),
            ["apis", var g] => GroupList(catalog)["groups"]!.AsArray().OfType<JsonObject>()
                .FirstOrDefault(x => (string?)x["name"] == g)?.DeepClone().AsObject() is { } one
                ? WithKind(one, "APIGroup")
                : null,
            ["apis", var g, var v] => ResourceList(g, v, catalog),
            _ => null,
        };
    }

    private static JsonObject WithKind(JsonObject o, string kind)
    {
        o["kind"] = kind;
        o["apiVersion"] = "v1";
        return o;
    }

    private static JsonObject GroupList(ResourceCatalog catalog)
    {
        var groups = new JsonArray();
        foreach (var byGroup in catalog.All.Where(t => t.Group.Length > 0).GroupBy(t => t.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var versions = byGroup.Select(t => t.Version).Distinct().ToList();
            JsonObject Gv(string v) => new() { ["groupVersion"] = $"{byGroup.Key}/{v}", ["version"] = v };
            var versionArray = new JsonArray();
            foreach (var v in versions)
            {
                versionArray.Add(Gv(v));
            }

            groups.Add(new JsonObject
            {
                ["name"] = byGroup.Key,
                ["versions"] = versionArray,
                ["preferredVersion"] = Gv(versions[0]),
            });
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    private static JsonObject? ResourceList(string group, string version, ResourceCatalog catalog)
    {
        var types = catalog.All.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var t in types)
        {
            var shortNames = new JsonArray();
            foreach (var s in t.ShortNames)
            {
                shortNames.Add(s);
            }

            resources.Add(new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update", "watch"),
                ["shortNames"] = shortNames,
            });
            if (t.HasStatusSubresource)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = $"{t.Plural}/status",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = t.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }
}
