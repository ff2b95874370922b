using Switchyard.Model.GatewayApi;

namespace Switchyard.Routing.Compiler.GatewayApi;

/// <summary>
/// ReferenceGrant checks (Traefik's isReferenceGranted, pkg/provider/kubernetes/gateway/kubernetes.go): a reference
/// to another namespace needs a ReferenceGrant in the target namespace whose from[] names the referrer's group, kind
/// and namespace and whose to[] names the target's group and kind (and name, when the grant names one).
/// </summary>
internal sealed class ReferenceGrants(IEnumerable<ReferenceGrant> grants)
{
    private readonly ILookup<string, ReferenceGrant> _byNamespace = grants.ToLookup(g => CompileContext.NamespaceOf(g.Metadata), StringComparer.Ordinal);

    public bool Allows(string fromKind, string fromNamespace, string toGroup, string toKind, string toName, string toNamespace) =>
        fromNamespace == toNamespace || _byNamespace[toNamespace].Any(g =>
            g.Spec.From.Any(f => f.Group == GatewayApiKinds.Group && f.Kind == fromKind && f.Namespace == fromNamespace) &&
            g.Spec.To.Any(t => t.Group == toGroup && t.Kind == toKind && (string.IsNullOrEmpty(t.Name) || t.Name == toName)));
}
