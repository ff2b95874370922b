using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Switchyard.Packaging.Tests.Infrastructure;

namespace Switchyard.Packaging.Tests.Crds;

/// <summary>
/// Every field of Traefik v3.7's own CRDs (vendored unmodified in testdata/traefik-v3.7, see PROVENANCE.md) exists in
/// Switchyard's generated CRDs with a compatible type, so a manifest written for Traefik is never refused by the API
/// server's strict field validation for a field we lack.
/// </summary>
[TestFixture]
public sealed class TraefikCrdCoverageTests
{
    private const string VendoredSha256 = "1d5e8558803804562238b0d4a57174aadd6d87c36e3c4c55199ebcc356a9406c";

    private static string VendoredFile => Path.Combine(RepoPaths.TestData, "traefik-v3.7", "kubernetes-crd-definition-v1.yml");

    [Test]
    public void The_vendored_file_is_traefiks_unmodified()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(VendoredFile)));
        Assert.That(hash, Is.EqualTo(VendoredSha256), "testdata/traefik-v3.7 must stay byte-identical to Traefik's file (PROVENANCE.md)");
    }

    [Test]
    public void Every_traefik_field_path_exists_in_our_crds_with_a_compatible_type()
    {
        var traefik = Fields(YamlJson.ParseFile(VendoredFile));
        var ours = Fields(Directory.EnumerateFiles(RepoPaths.Crds, "traefik.io_*.yaml").SelectMany(YamlJson.ParseFile));

        Assert.That(traefik.Keys, Is.SupersetOf(new[] { "IngressRoute", "Middleware", "ServersTransport", "TLSOption", "TLSStore", "TraefikService" }),
            "the vendored file is not Traefik's CRD set");
        Assert.That(traefik.Values.Sum(f => f.Count), Is.GreaterThan(500), "too few Traefik fields read: the walk is broken");
        var missing = new List<string>();
        foreach (var (kind, fields) in traefik)
        {
            if (!ours.TryGetValue(kind, out var our))
            {
                missing.Add($"{kind}: no CRD in crds/");
                continue;
            }

            foreach (var (path, type) in fields)
            {
                if (!our.TryGetValue(path, out var ourType))
                {
                    missing.Add($"{kind} {path}: missing");
                }
                else if (type != ourType && !(ourType == "int-or-string" && type is "integer" or "string"))
                {
                    missing.Add($"{kind} {path}: Traefik's type {type}, ours {ourType}");
                }
            }
        }

        Assert.That(missing, Is.Empty, "add these Traefik v3.7 fields to the model (src/Switchyard.Model/Traefik) and regenerate crds/");
    }

    [Test]
    public void The_walk_sees_a_field_that_is_missing()
    {
        // The comparison must be able to fail: a field Traefik never had is not in ours.
        var ours = Fields(Directory.EnumerateFiles(RepoPaths.Crds, "traefik.io_*.yaml").SelectMany(YamlJson.ParseFile));
        Assert.That(ours["ServersTransport"], Does.ContainKey(".spec.forwardingTimeouts.dialTimeout"));
        Assert.That(ours["ServersTransport"], Does.Not.ContainKey(".spec.forwardingTimeouts.noSuchTimeout"));
    }

    /// <summary>kind → (field path → type), over all versions: <c>.spec.routes[].services[].port</c>.</summary>
    private static Dictionary<string, Dictionary<string, string>> Fields(IEnumerable<JsonObject> crds)
    {
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var crd in crds)
        {
            var kind = (string)crd["spec"]!["names"]!["kind"]!;
            var fields = result.TryGetValue(kind, out var f) ? f : result[kind] = new(StringComparer.Ordinal);
            foreach (var version in crd["spec"]!["versions"]!.AsArray())
            {
                Walk(version!["schema"]!["openAPIV3Schema"]!.AsObject(), "", fields);
            }
        }

        return result;
    }

    private static void Walk(JsonObject schema, string path, Dictionary<string, string> fields)
    {
        fields[path] = (bool?)schema["x-kubernetes-int-or-string"] == true ? "int-or-string" : (string?)schema["type"] ?? "any";
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                Walk(child!.AsObject(), $"{path}.{name}", fields);
            }
        }

        if (schema["items"] is JsonObject items)
        {
            Walk(items, path + "[]", fields);
        }

        if (schema["additionalProperties"] is JsonObject additional)
        {
            Walk(additional, path + "{}", fields);
        }
    }
}
