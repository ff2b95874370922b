using System.Text;
using CsCheck;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;

namespace Switchyard.Reliability.Tests.Loading;

/// <summary>
/// Issue 17.1: no input to the loader may end the process. 100,000+ random and adversarial YAML/JSON texts
/// (fragments of manifests in any order, nesting around the bound, alias chains and merge keys, duplicate
/// keys, huge scalars and numbers, invalid UTF-8, lone surrogates, truncations): every one must come back as
/// objects and diagnostics. The loader's catch-all turns a bug into an SY011 diagnostic rather than a crash,
/// so an SY011 fails the test too: it would be an exception that escaped a reader.
/// </summary>
[CancelAfter(240_000)]
public class LoaderFuzzTests
{
    private static readonly string[] Fragments =
    [
        "apiVersion: traefik.io/v1alpha1\n", "apiVersion: v1\n", "kind: Middleware\n", "kind: IngressRoute\n", "kind: ConfigMap\n",
        "kind: List\nitems:\n", "metadata:\n  name: m\n", "metadata: {name: x, namespace: ns}\n", "spec:\n", "  plugin:\n",
        "  routes:\n  - match: Host(`a`)\n    services: [{name: s, port: 80}]\n", "data: {v: \"1\"}\n", "---\n", "--- \n", "...\n",
        "{", "}", "[", "]", ", ", ": ", "- ", "? ", "\n", "  ", "    ", "\t", "&a ", "*a ", "&b ", "*b ", "<<: ", "<<: *a\n", "!!int ",
        "!!str ", "!!binary ", "!custom ", "%YAML 1.2\n", "#comment\n", "\"", "'", "|\n", ">-\n", "\\u0000", "\\x", "1e999", "-0",
        "0x7fffffffffffffffff", "0o777", "99999999999999999999999", "null", "~", "true", "yes", ".inf", ".nan", "a: 1\na: 2\n",
        "\uFFFD", "\u0000", "\uD800", "\uDC00", "é", "日本", "\r\n", "\u2028", "\uFEFF",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"j\"},\"data\":{\"v\":\"1\"}}", "{\"a\":", "\"a\"", "[1,2,", "/*", "*/", "//",
    ];

    private static readonly Gen<string> FragmentText =
        Gen.Int[0, Fragments.Length - 1].Array[0, 40].Select(ix => string.Concat(ix.Select(i => Fragments[i])));

    /// <summary>Nesting around the bound (ManifestLimits.MaxDepth = 128), in every bracket style.</summary>
    private static readonly Gen<string> Nesting = Gen.Select(Gen.Int[1, 160], Gen.Int[0, 3], (depth, style) => style switch
    {
        0 => HostileManifests.DeepFlowPlugin(depth),
        1 => HostileManifests.DeepBlockSequence(depth),
        2 => HostileManifests.DeepFlowMapping(depth),
        _ => HostileManifests.DeepJson(depth),
    });

    private static readonly Gen<string> Aliases = Gen.Select(Gen.Int[1, 3], Gen.Int[1, 4], (levels, width) =>
    {
        var text = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nx:\n  l0: &l0 {k: [v, v]}\n");
        for (var i = 1; i <= levels; i++)
        {
            text.Append($"  l{i}: &l{i} [").Append(string.Join(", ", Enumerable.Repeat($"*l{i - 1}", width))).Append("]\n");
            text.Append($"  m{i}:\n    <<: *l0\n    k: 1\n");
        }

        return text.ToString();
    });

    /// <summary>Random bytes read as UTF-8 (invalid sequences become U+FFFD, as File.ReadAllText does).</summary>
    private static readonly Gen<string> Bytes = Gen.Byte.Array[0, 200].Select(b => Encoding.UTF8.GetString(b));

    /// <summary>A valid manifest with a random cut or a random character spliced in.</summary>
    private static readonly Gen<string> Mutated = Gen.Select(Gen.Int[0, 10_000], Gen.Char, Gen.Bool, (at, c, cut) =>
    {
        var good = HostileManifests.ConfigMap("m", "v") + "---\n" + HostileManifests.DeepFlowPlugin(3);
        var i = at % good.Length;
        return cut ? good[..i] : good[..i] + c + good[i..];
    });

    // Long values (the size bound itself is tested on files; kept short here so 100,000 inputs stay fast).
    private static readonly Gen<string> Huge = Gen.Int[0, 2].Select(kind => kind switch
    {
        0 => HostileManifests.ConfigMap("big", new string('x', 20_000)),
        1 => "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n}\ndata: {v: " + new string('9', 10_000) + "}\n",
        _ => "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"n\"},\"data\":{\"v\":1" + new string('0', 5_000) + "}}",
    });

    private static readonly Gen<(string Text, bool Json)> Inputs = Gen.Select(
        Gen.Frequency((40, FragmentText), (10, Nesting), (5, Aliases), (15, Bytes), (29, Mutated), (1, Huge)),
        Gen.Bool,
        (text, json) => (text, json));

    [Test]
    public void NoInputEscapesTheLoader()
    {
        var count = 0;
        Inputs.Sample(input =>
        {
            var file = input.Json ? "fuzz.json" : "fuzz.yaml";
            var loaded = ManifestLoader.ParseText(input.Text, file);
            var failure = loaded.Diagnostics.FirstOrDefault(d => d.Code == DiagnosticCodes.LoaderFailure);
            if (failure is not null)
            {
                throw new AssertionException(failure.Format());
            }

            // What the folder source does next with a file: merging into a snapshot must not throw either.
            _ = ManifestLoader.Build([loaded]);
            Interlocked.Increment(ref count);
        }, iter: 100_000, print: i => (i.Json ? "json: " : "yaml: ") + (i.Text.Length > 2000 ? i.Text[..2000] + "..." : i.Text));
        Assert.That(count, Is.GreaterThanOrEqualTo(100_000));
    }
}
