namespace Switchyard.TestKit.FakeKube;

/// <summary>Installs the Traefik CRDs into a <see cref="FakeApiServer"/>.</summary>
public static class TraefikCrds
{
    private static readonly (string Kind, string Plural)[] Kinds =
    [
        ("IngressRoute", "ingressroutes"), ("Middleware", "middlewares"), ("ServersTransport", "serverstransports"),
        ("TLSOption", "tlsoptions"), ("TLSStore", "tlsstores"), ("TraefikService", "traefikservices"),
        ("IngressRouteTCP", "ingressroutetcps"), ("IngressRouteUDP", "ingressrouteudps"), ("MiddlewareTCP", "middlewaretcps"),
        ("ServersTransportTCP", "serverstransporttcps"),
    ];

    /// <summary>
    /// The repository's crds/*.yaml when they exist (so custom resources are validated against the real schema);
    /// otherwise permissive stand-ins (any fields, status subresource) for <paramref name="groups"/>.
    /// </summary>
    public static void Install(FakeApiServer server, params string[] groups)
    {
        if (groups.Length == 0)
        {
            groups = ["traefik.io"];
        }

        if (FakeApiServer.FindRepoCrdsFolder() is { } folder)
        {
            server.InstallCrds(folder);
        }

        foreach (var group in groups)
        {
            foreach (var (kind, plural) in Kinds)
            {
                if (server.Catalog.Find(group, "v1alpha1", plural) is null)
                {
                    server.ApplyYaml(Permissive(group, kind, plural));
                }
            }
        }
    }

    private static string Permissive(string group, string kind, string plural) => $$"""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: {{plural}}.{{group}}
        spec:
          group: {{group}}
          scope: Namespaced
          names:
            plural: {{plural}}
            singular: {{kind.ToLowerInvariant()}}
            kind: {{kind}}
          versions:
          - name: v1alpha1
            served: true
            storage: true
            subresources:
              status: {}
            schema:
              openAPIV3Schema:
                type: object
                x-kubernetes-preserve-unknown-fields: true
        """;
}
