using System.Text.Json.Nodes;

namespace Switchyard.TestKit.FakeKube;

/// <summary>The resource types the fake knows: the built-ins the operator and kubectl use plus CRD-defined ones.</summary>
public sealed class ResourceCatalog
{
    private readonly Lock _gate = new();
    private readonly List<ResourceType> _types = [];

    public ResourceCatalog()
    {
        Add(new("", "v1", "namespaces", "Namespace", false, true) { ShortNames = ["ns"] });
        Add(new("", "v1", "services", "Service", true, true) { ShortNames = ["svc"] });
        Add(new("", "v1", "nodes", "Node", false, true) { ShortNames = ["no"] });
        Add(new("", "v1", "secrets", "Secret", true, false));
        Add(new("", "v1", "configmaps", "ConfigMap", true, false) { ShortNames = ["cm"] });
        Add(new("", "v1", "endpoints", "Endpoints", true, false) { ShortNames = ["ep"] });
        Add(new("", "v1", "events", "Event", true, false) { ShortNames = ["ev"] });
        Add(new("", "v1", "pods", "Pod", true, true) { ShortNames = ["po"] });
        Add(new("", "v1", "serviceaccounts", "ServiceAccount", true, false) { ShortNames = ["sa"] });
        Add(new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, false));
        Add(new("networking.k8s.io", "v1", "ingresses", "Ingress", true, true) { ShortNames = ["ing"] });
        Add(new("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, false));
        Add(new("coordination.k8s.io", "v1", "leases", "Lease", true, false));
        Add(new("events.k8s.io", "v1", "events", "Event", true, false) { ShortNames = ["ev"] });
        Add(new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, true) { ShortNames = ["crd", "crds"] });
    }

    public IReadOnlyList<ResourceType> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _types];
            }
        }
    }

    public ResourceType? Find(string group, string version, string plural)
    {
        lock (_gate)
        {
            return _types.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);
        }
    }

    public ResourceType? FindKind(string apiVersion, string kind)
    {
        lock (_gate)
        {
            return _types.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);
        }
    }

    /// <summary>Registers the served versions of a CustomResourceDefinition (apiextensions.k8s.io/v1).</summary>
    public IReadOnlyList<ResourceType> RegisterCrd(JsonObject crd)
    {
        var spec = crd["spec"]?.AsObject() ?? throw ApiError.BadRequest("CRD without spec");
        var group = (string?)spec["group"] ?? throw ApiError.BadRequest("CRD without spec.group");
        var names = spec["names"]?.AsObject() ?? throw ApiError.BadRequest("CRD without spec.names");
        var plural = (string?)names["plural"] ?? throw ApiError.BadRequest("CRD without spec.names.plural");
        var kind = (string?)names["kind"] ?? throw ApiError.BadRequest("CRD without spec.names.kind");
        var namespaced = ((string?)spec["scope"] ?? "Namespaced") == "Namespaced";
        var shortNames = names["shortNames"]?.AsArray().Select(n => (string)n!).ToList() ?? [];
        var singular = (string?)names["singular"] ?? kind.ToLowerInvariant();
        var added = new List<ResourceType>();
        foreach (var v in spec["versions"]?.AsArray() ?? [])
        {
            if (v is not JsonObject version || (bool?)version["served"] == false)
            {
                continue;
            }

            var type = new ResourceType(group, (string)version["name"]!, plural, kind, namespaced,
                version["subresources"]?["status"] is not null)
            {
                Schema = version["schema"]?["openAPIV3Schema"]?.DeepClone().AsObject(),
                Singular = singular,
                ShortNames = shortNames,
                IsCustom = true,
            };
            Remove(group, type.Version, plural);
            Add(type);
            added.Add(type);
        }

        return added;
    }

    /// <summary>Forgets a CRD's types (the CRD was deleted).</summary>
    public void UnregisterCrd(JsonObject crd)
    {
        var group = (string?)crd["spec"]?["group"];
        var plural = (string?)crd["spec"]?["names"]?["plural"];
        lock (_gate)
        {
            _types.RemoveAll(t => t.IsCustom && t.Group == group && t.Plural == plural);
        }
    }

    private void Add(ResourceType type)
    {
        lock (_gate)
        {
            _types.Add(type);
        }
    }

    private void Remove(string group, string version, string plural)
    {
        lock (_gate)
        {
            _types.RemoveAll(t => t.Group == group && t.Version == version && t.Plural == plural);
        }
    }
}
