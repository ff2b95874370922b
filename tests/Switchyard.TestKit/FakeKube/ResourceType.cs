namespace Switchyard.TestKit.FakeKube;

/// <summary>One REST resource the fake serves (a built-in kind or one registered by a CRD).</summary>
/// <param name="Group">API group, "" for the core group.</param>
/// <param name="Version">Version, e.g. v1 or v1alpha1.</param>
/// <param name="Plural">The path segment, e.g. ingressroutes.</param>
/// <param name="Kind">Kind, e.g. IngressRoute.</param>
/// <param name="Namespaced">Namespaced or cluster-scoped.</param>
/// <param name="HasStatusSubresource">Whether /status exists and the main resource ignores status writes.</param>
public sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced, bool HasStatusSubresource)
{
    /// <summary>JSON schema (openAPIV3Schema) of a custom resource; null for built-ins (not validated).</summary>
    public System.Text.Json.Nodes.JsonObject? Schema { get; init; }

    public string Singular { get; init; } = Kind.ToLowerInvariant();

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    /// <summary>Whether a custom resource (CRD-defined): strategic merge patch is refused for these.</summary>
    public bool IsCustom { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Key of the type's store: group/version are not part of it, like etcd storage.</summary>
    public string StorageKey => $"{Group}/{Plural}";
}
