using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.GatewayApi;
using Switchyard.Model.Traefik;

namespace Switchyard.Model.Loading;

/// <summary>Turns one parsed document (or List item) into a model object, or diagnostics explaining why not.</summary>
internal static class ObjectDecoder
{
    private static readonly Dictionary<string, Type> TraefikKinds = new(StringComparer.Ordinal)
    {
        [TraefikApi.IngressRouteKind] = typeof(IngressRoute),
        [TraefikApi.MiddlewareKind] = typeof(Middleware),
        [TraefikApi.ServersTransportKind] = typeof(ServersTransport),
        [TraefikApi.TlsOptionKind] = typeof(TlsOption),
        [TraefikApi.TlsStoreKind] = typeof(TlsStore),
        [TraefikApi.TraefikServiceKind] = typeof(TraefikService),
        [TraefikApi.IngressRouteTcpKind] = typeof(IngressRouteTcp),
        [TraefikApi.IngressRouteUdpKind] = typeof(IngressRouteUdp),
        [TraefikApi.MiddlewareTcpKind] = typeof(MiddlewareTcp),
        [TraefikApi.ServersTransportTcpKind] = typeof(ServersTransportTcp),
    };

    private static readonly Dictionary<string, Type> GatewayKinds = new(StringComparer.Ordinal)
    {
        [GatewayApiKinds.GatewayClass] = typeof(GatewayClass),
        [GatewayApiKinds.Gateway] = typeof(Gateway),
        [GatewayApiKinds.HttpRoute] = typeof(HttpRoute),
        [GatewayApiKinds.GrpcRoute] = typeof(GrpcRoute),
        [GatewayApiKinds.ReferenceGrant] = typeof(ReferenceGrant),
        [GatewayApiKinds.BackendTlsPolicy] = typeof(BackendTlsPolicy),
    };

    private static readonly Dictionary<(string ApiVersion, string Kind), Type> CoreKinds = new()
    {
        [("v1", V1Service.KubeKind)] = typeof(V1Service),
        [("v1", V1Secret.KubeKind)] = typeof(V1Secret),
        [("v1", V1ConfigMap.KubeKind)] = typeof(V1ConfigMap),
        [("discovery.k8s.io/v1", V1EndpointSlice.KubeKind)] = typeof(V1EndpointSlice),
        [("v1", V1Node.KubeKind)] = typeof(V1Node),
        [("v1", V1Namespace.KubeKind)] = typeof(V1Namespace),
        [("networking.k8s.io/v1", V1Ingress.KubeKind)] = typeof(V1Ingress),
        [("networking.k8s.io/v1", V1IngressClass.KubeKind)] = typeof(V1IngressClass),
    };

    /// <summary>Decodes every object of a document; a List (kind: List or *List with items) yields its items.</summary>
    public static void DecodeDocument(ParsedDocument document, string file, List<LoadedObject> objects, List<Diagnostic> diagnostics)
    {
        switch (document.Root)
        {
            case null:
                return; // an empty document
            case JsonObject obj when IsList(obj):
                var items = (JsonArray)obj["items"]!;
                var perItem = SplitItemLocations(document.Locations, items.Count);
                for (var i = 0; i < items.Count; i++)
                {
                    var at = perItem[i].GetValueOrDefault("") ?? document.Start;
                    Decode(items[i], at, perItem[i], file, objects, diagnostics);
                }

                return;
            default:
                Decode(document.Root, document.Start, document.Locations, file, objects, diagnostics);
                return;
        }
    }

    private static bool IsList(JsonObject obj) =>
        obj["kind"] is JsonValue kind && kind.TryGetValue<string>(out var k) && k.EndsWith("List", StringComparison.Ordinal) &&
        obj["items"] is JsonArray;

    private static Dictionary<string, SourceLocation>[] SplitItemLocations(Dictionary<string, SourceLocation> locations, int count)
    {
        var result = new Dictionary<string, SourceLocation>[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = [];
        }

        foreach (var (path, at) in locations)
        {
            if (!path.StartsWith("items[", StringComparison.Ordinal))
            {
                continue;
            }

            var close = path.IndexOf(']', 6);
            if (close < 0 || !int.TryParse(path.AsSpan(6, close - 6), out var index) || index >= count)
            {
                continue;
            }

            var rest = path[(close + 1)..];
            result[index][rest.StartsWith('.') ? rest[1..] : rest] = at;
        }

        return result;
    }

    private static void Decode(JsonNode? node, SourceLocation at, Dictionary<string, SourceLocation> locations, string file,
        List<LoadedObject> objects, List<Diagnostic> diagnostics)
    {
        SourceLocation Locate(string path)
        {
            for (var p = path; !string.IsNullOrEmpty(p); p = ObjectOrigin.Parent(p))
            {
                if (locations.TryGetValue(p, out var found))
                {
                    return found;
                }
            }

            return at;
        }

        if (node is not JsonObject obj)
        {
            if (node is not null)
            {
                diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.InvalidValue, "InvalidValue", null, null,
                    $"a manifest document must be an object, not {SchemaChecker.Describe(node)}", at));
            }

            return;
        }

        var apiVersion = StringAt(obj, "apiVersion");
        var kind = StringAt(obj, "kind");
        var metadata = obj["metadata"] as JsonObject;
        var name = metadata is null ? null : StringAt(metadata, "name");
        if (metadata is not null && string.IsNullOrEmpty(StringAt(metadata, "namespace")))
        {
            // Like kubectl without -n: a manifest without a namespace lands in "default".
            metadata["namespace"] = ResourceRefs.DefaultNamespace;
        }

        var ns = metadata is null ? ResourceRefs.DefaultNamespace : StringAt(metadata, "namespace")!;
        var resource = new ResourceRef(kind ?? "<unknown kind>", ns, name ?? "<unnamed>");

        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            var missing = string.IsNullOrEmpty(apiVersion) ? "apiVersion" : "kind";
            diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.MissingField, "MissingField", resource, missing,
                $"the object has no \"{missing}\"; it is ignored", Locate(missing)));
            return;
        }

        Type? type = null;
        if (TraefikApi.IsTraefikApiVersion(apiVersion))
        {
            TraefikKinds.TryGetValue(kind, out type);
        }
        else if (GatewayApiKinds.Serves(apiVersion, kind))
        {
            GatewayKinds.TryGetValue(kind, out type);
        }
        else
        {
            CoreKinds.TryGetValue((apiVersion, kind), out type);
        }

        if (type is null)
        {
            diagnostics.Add(UnknownKind(apiVersion, kind, resource, Locate("kind")));
            return;
        }

        if (string.IsNullOrEmpty(name))
        {
            diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.MissingField, "MissingField", resource, "metadata.name",
                "the object has no metadata.name; it is ignored", Locate("metadata")));
            return;
        }

        var checker = new SchemaChecker(resource, Locate, diagnostics);
        checker.Check(type, obj, "");
        if (checker.HasErrors)
        {
            return;
        }

        object value;
        try
        {
            value = ApiServerDefaults.Apply(Deserialize(type, obj));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            var path = (ex as JsonException)?.Path is { } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : null;
            diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.InvalidValue, "InvalidValue", resource, path,
                $"cannot read the object: {ex.Message}", path is null ? at : Locate(path)));
            return;
        }

        var origin = new ObjectOrigin(at.File, at.Line, at.Column, locations);
        objects.Add(new LoadedObject(resource, value, origin));
    }

    /// <summary>
    /// A kind Switchyard does not read. In Traefik's API groups it is almost surely a typo (IngresRoute) or a wrong
    /// version, whose routes would silently be missing: a warning naming the closest kind. Any other group (a
    /// Deployment beside the routes) is only an info.
    /// </summary>
    private static Diagnostic UnknownKind(string apiVersion, string kind, ResourceRef resource, SourceLocation at)
    {
        var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : "";
        if (group == GatewayApiKinds.Group && GatewayKinds.ContainsKey(kind))
        {
            return new Diagnostic(Severity.Warning, DiagnosticCodes.UnknownKind, "UnknownKind", resource, "kind",
                $"apiVersion {apiVersion} does not serve {kind} (did you mean \"{GatewayApiKinds.Group}/{GatewayApiKinds.ServedVersion(kind)}\"?); the object is ignored", at);
        }

        if (group is not (TraefikApi.Group or TraefikApi.LegacyGroup))
        {
            return new Diagnostic(Severity.Info, DiagnosticCodes.UnknownKind, "UnknownKind", resource, null,
                $"kind {kind} of {apiVersion} is not used by Switchyard; the object is ignored", at);
        }

        var servedVersion = group + "/" + TraefikApi.Version;
        var hint = TraefikKinds.ContainsKey(kind)
            ? $"apiVersion {apiVersion} is not served (did you mean \"{servedVersion}\"?)"
            : $"{servedVersion} has no kind {kind} (did you mean \"{NameHints.Closest(kind, TraefikKinds.Keys).Name}\"?)";
        return new Diagnostic(Severity.Warning, DiagnosticCodes.UnknownKind, "UnknownKind", resource, "kind",
            $"{hint}; the object is ignored", at);
    }

    private static object Deserialize(Type type, JsonObject obj)
    {
        var text = obj.ToJsonString(ManifestLimits.NodeWriting);
        var options = ManifestLimits.DeepKubernetesJson;
        // A JsonObject's text is never the literal null: the null check below is for the compiler.
        object? decoded = type == typeof(IngressRoute) ? JsonSerializer.Deserialize<IngressRoute>(text, options)
            : type == typeof(Middleware) ? JsonSerializer.Deserialize<Middleware>(text, options)
            : type == typeof(ServersTransport) ? JsonSerializer.Deserialize<ServersTransport>(text, options)
            : type == typeof(TlsOption) ? JsonSerializer.Deserialize<TlsOption>(text, options)
            : type == typeof(TlsStore) ? JsonSerializer.Deserialize<TlsStore>(text, options)
            : type == typeof(TraefikService) ? JsonSerializer.Deserialize<TraefikService>(text, options)
            : type == typeof(IngressRouteTcp) ? JsonSerializer.Deserialize<IngressRouteTcp>(text, options)
            : type == typeof(IngressRouteUdp) ? JsonSerializer.Deserialize<IngressRouteUdp>(text, options)
            : type == typeof(MiddlewareTcp) ? JsonSerializer.Deserialize<MiddlewareTcp>(text, options)
            : type == typeof(ServersTransportTcp) ? JsonSerializer.Deserialize<ServersTransportTcp>(text, options)
            : type == typeof(GatewayClass) ? JsonSerializer.Deserialize<GatewayClass>(text, options)
            : type == typeof(Gateway) ? JsonSerializer.Deserialize<Gateway>(text, options)
            : type == typeof(HttpRoute) ? JsonSerializer.Deserialize<HttpRoute>(text, options)
            : type == typeof(GrpcRoute) ? JsonSerializer.Deserialize<GrpcRoute>(text, options)
            : type == typeof(ReferenceGrant) ? JsonSerializer.Deserialize<ReferenceGrant>(text, options)
            : type == typeof(BackendTlsPolicy) ? JsonSerializer.Deserialize<BackendTlsPolicy>(text, options)
            : type == typeof(V1Service) ? JsonSerializer.Deserialize<V1Service>(text, options)
            : type == typeof(V1Secret) ? JsonSerializer.Deserialize<V1Secret>(text, options)
            : type == typeof(V1ConfigMap) ? JsonSerializer.Deserialize<V1ConfigMap>(text, options)
            : type == typeof(V1EndpointSlice) ? JsonSerializer.Deserialize<V1EndpointSlice>(text, options)
            : type == typeof(V1Node) ? JsonSerializer.Deserialize<V1Node>(text, options)
            : type == typeof(V1Namespace) ? JsonSerializer.Deserialize<V1Namespace>(text, options)
            : type == typeof(V1Ingress) ? JsonSerializer.Deserialize<V1Ingress>(text, options)
            : type == typeof(V1IngressClass) ? JsonSerializer.Deserialize<V1IngressClass>(text, options)
            : throw new InvalidOperationException($"no decoder for {type}");
        return decoded ?? throw new InvalidOperationException($"{type.Name} decoded to null");
    }

    private static string? StringAt(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
