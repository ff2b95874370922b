using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;

namespace Switchyard.Model.Loading;

/// <summary>
/// The bounds every manifest is read within, so no input can exhaust the stack or the memory (issue 17.1).
/// Checked while parsing, before anything recursive runs over the document.
/// </summary>
public static class ManifestLimits
{
    /// <summary>
    /// Deepest nesting of maps and lists in one document. Traefik's CRDs need about 12 levels; free-form fields
    /// (plugin configuration) rarely more than a few. Every recursive walk (schema check, decoding) stays far
    /// from the stack's end at this depth, and YamlDotNet's flow collections, whose cost grows with the square of
    /// their depth, stay under a few milliseconds per document.
    /// </summary>
    public const int MaxDepth = 128;

    /// <summary>Most JSON nodes one file may expand to, copies made by aliases and merge keys included.</summary>
    public const int MaxNodes = 1_000_000;

    /// <summary>
    /// Most nodes one file's aliases and merge keys may copy ("billion laughs": ten lines of aliases would
    /// otherwise build 10⁹ nodes). Like go-yaml's alias limit, legitimate reuse (shared labels, a repeated
    /// service block) stays far below.
    /// </summary>
    public const int MaxAliasNodes = 100_000;

    /// <summary>
    /// Largest manifest file read (bytes); a bigger one is a diagnostic, not an allocation. An object stored in
    /// Kubernetes is at most ~1.5 MB (etcd's request limit), so this leaves room for a file of several.
    /// </summary>
    public const long DefaultMaxFileBytes = 8L << 20;

    /// <summary>
    /// The Kubernetes API server's JSON decoder accepts 10,000 levels (Go encoding/json's maxNestingDepth), so an
    /// object it stored must decode here too; <see cref="MaxDepth"/> then refuses it as one object's diagnostic.
    /// </summary>
    public const int WireMaxDepth = 10_001;

    /// <summary>KubernetesClient's serializer settings with room for <see cref="WireMaxDepth"/> levels.</summary>
    public static JsonSerializerOptions DeepKubernetesJson { get; } = CaptureKubernetesJson();

    /// <summary>
    /// Raises KubernetesClient's process-wide decoding depth (64 by default) to <see cref="WireMaxDepth"/>, so a list
    /// or watch holding one deep object still decodes. Options freeze at their first use; false when that already
    /// happened (then only objects decoded through <see cref="DeepKubernetesJson"/> get the deeper limit).
    /// </summary>
    public static bool RaiseKubernetesClientDepth()
    {
        var raised = false;
        KubernetesJson.AddJsonOptions(o =>
        {
            if (o.MaxDepth >= WireMaxDepth)
            {
                raised = true;
                return;
            }

            try
            {
                o.MaxDepth = WireMaxDepth;
                raised = true;
            }
            catch (InvalidOperationException)
            {
                // Already in use (read-only).
            }
        });
        return raised;
    }

    private static JsonSerializerOptions CaptureKubernetesJson() => new()
    {
        // KubernetesClient's settings (KubernetesJson's options: camelCase names, nulls not written, its enum, time span
        // and date converters), built here rather than copied from KubernetesJson: its static constructor builds the
        // source-generated context of every Kubernetes type, ~1 MB of RSS and a slice of the start that a gateway on a
        // manifest folder never uses (the Kubernetes provider still raises the client's own options, above).
        // ManifestLimitsTests compares the two, so a KubernetesClient upgrade that changes its options is caught.
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = WireMaxDepth,
        // Not KubernetesClient's resolver: it asks its source-generated context first, whose lookup is one
        // `type == typeof(...)` test per Kubernetes type (thousands); every type we decode (Traefik's CRDs, Gateway
        // API) and each of their property types missed it all the way down, so the first decode compiled and ran that
        // chain and loaded the types it names: ~1 s of CPU on a loaded machine and several MB of RSS at start. Our
        // own context holds the kinds a manifest decodes to (and what they reach), so their contracts are not built
        // by reflection at the first decode; reflection stays behind it for any type it does not hold.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ManifestJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        Converters =
        {
            new JsonStringEnumConverter(),
            new KubernetesJson.Iso8601TimeSpanConverter(),
            new KubernetesJson.KubernetesDateTimeConverter(),
            new KubernetesJson.KubernetesDateTimeOffsetConverter(),
        },
    };

    /// <summary>For writing a node of at most <see cref="MaxDepth"/> levels back to text.</summary>
    internal static JsonSerializerOptions NodeWriting { get; } = new() { MaxDepth = MaxDepth + 8 };
}
