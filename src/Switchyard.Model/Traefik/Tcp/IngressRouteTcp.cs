using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Switchyard.Model.Traefik;

/// <summary>IngressRouteTCP: the CRD form of Traefik TCP routers (Traefik v3.7 ingressroutetcp.go).</summary>
public sealed record IngressRouteTcp : ITraefikObject
{
    /// <summary>traefik.io/v1alpha1 or traefik.containo.us/v1alpha1.</summary>
    [JsonPropertyName("apiVersion"), JsonRequired]
    public required string ApiVersion { get; init; }

    /// <summary>IngressRouteTCP.</summary>
    [JsonPropertyName("kind"), JsonRequired]
    public required string Kind { get; init; }

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyName("metadata"), JsonRequired]
    public required V1ObjectMeta Metadata { get; init; }

    /// <summary>Desired state: entry points, routes and TLS.</summary>
    [JsonPropertyName("spec"), JsonRequired]
    public required IngressRouteTcpSpec Spec { get; init; }

    /// <summary>Status written by Switchyard (conditions and compiled router names).</summary>
    [JsonPropertyName("status")]
    public IngressRouteStatus? Status { get; init; }
}

/// <summary>Desired state of an IngressRouteTCP.</summary>
public sealed record IngressRouteTcpSpec
{
    /// <summary>Name of the IngressClass this IngressRouteTCP belongs to.</summary>
    [JsonPropertyName("ingressClassName")]
    public string? IngressClassName { get; init; }

    /// <summary>Entry point names to bind to. Empty means all default entry points.</summary>
    [JsonPropertyName("entryPoints")]
    public IReadOnlyList<string>? EntryPoints { get; init; }

    /// <summary>The routes (at least one).</summary>
    [JsonPropertyName("routes"), JsonRequired]
    public required IReadOnlyList<RouteTcp> Routes { get; init; }

    /// <summary>TLS configuration. Present means the routers match TLS connections (terminated or passed through).</summary>
    [JsonPropertyName("tls")]
    public TlsTcp? Tls { get; init; }
}

/// <summary>One TCP route of an IngressRouteTCP.</summary>
public sealed record RouteTcp
{
    /// <summary>The router rule: HostSNI, HostSNIRegexp, ClientIP and ALPN with &amp;&amp;, || and !.</summary>
    [JsonPropertyName("match"), JsonRequired]
    public required string Match { get; init; }

    /// <summary>Router priority; 0 or absent means the length of the rule (HostSNI(`*`) alone: -1). Higher wins.</summary>
    [JsonPropertyName("priority")]
    public long? Priority { get; init; }

    /// <summary>Deprecated: rule syntax (v3 default, v2).</summary>
    [JsonPropertyName("syntax")]
    [AllowedValues("v3", "v2")]
    public string? Syntax { get; init; }

    /// <summary>Kubernetes Services to forward connections to (weighted when several).</summary>
    [JsonPropertyName("services")]
    public IReadOnlyList<ServiceTcp>? Services { get; init; }

    /// <summary>References to MiddlewareTCP resources, applied in order.</summary>
    [JsonPropertyName("middlewares")]
    public IReadOnlyList<MiddlewareRef>? Middlewares { get; init; }
}

/// <summary>TLS configuration of an IngressRouteTCP.</summary>
public sealed record TlsTcp
{
    /// <summary>Secret (kubernetes.io/tls) holding the certificate and key.</summary>
    [JsonPropertyName("secretName")]
    public string? SecretName { get; init; }

    /// <summary>Do not terminate TLS: route on the ClientHello's SNI and copy the encrypted bytes to the backend.</summary>
    [JsonPropertyName("passthrough")]
    public bool? Passthrough { get; init; }

    /// <summary>Reference to a TLSOption; absent means the default TLSOption.</summary>
    [JsonPropertyName("options")]
    public TlsOptionRef? Options { get; init; }

    /// <summary>Reference to a TLSStore; only the store named default is supported.</summary>
    [JsonPropertyName("store")]
    public TlsStoreRef? Store { get; init; }

    /// <summary>Name of the certificate resolver (ACME) from the static configuration.</summary>
    [JsonPropertyName("certResolver")]
    public string? CertResolver { get; init; }

    /// <summary>Domains to request certificates for.</summary>
    [JsonPropertyName("domains")]
    public IReadOnlyList<Domain>? Domains { get; init; }
}

/// <summary>An upstream TCP service: a Kubernetes Service port.</summary>
public sealed record ServiceTcp
{
    /// <summary>Name of the Kubernetes Service.</summary>
    [JsonPropertyName("name"), JsonRequired]
    public required string Name { get; init; }

    /// <summary>Namespace of the Kubernetes Service (default: the route's namespace).</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    /// <summary>Port of the Kubernetes Service: a number or a port name.</summary>
    [JsonPropertyName("port"), JsonRequired]
    public required IntOrString Port { get; init; }

    /// <summary>Weight when balancing between several services (default 1).</summary>
    [JsonPropertyName("weight")]
    [Range(0, int.MaxValue)]
    public int? Weight { get; init; }

    /// <summary>Deprecated (use ServersTransportTCP): milliseconds to wait, after one side closed its writing half, before closing the other (default 100; negative: never).</summary>
    [JsonPropertyName("terminationDelay")]
    public int? TerminationDelay { get; init; }

    /// <summary>Deprecated (use ServersTransportTCP): PROXY protocol header sent to the servers.</summary>
    [JsonPropertyName("proxyProtocol")]
    public ProxyProtocol? ProxyProtocol { get; init; }

    /// <summary>Name of the ServersTransportTCP to use (same namespace).</summary>
    [JsonPropertyName("serversTransport")]
    public string? ServersTransport { get; init; }

    /// <summary>Dial the servers with TLS.</summary>
    [JsonPropertyName("tls")]
    public bool? Tls { get; init; }

    /// <summary>Balance over the Service's cluster IP instead of the pod IPs (false: pod IPs).</summary>
    [JsonPropertyName("nativeLB")]
    public bool? NativeLB { get; init; }

    /// <summary>For NodePort Services, balance over node IPs and the node port.</summary>
    [JsonPropertyName("nodePortLB")]
    public bool? NodePortLB { get; init; }
}

/// <summary>PROXY protocol header sent to backends.</summary>
public sealed record ProxyProtocol
{
    /// <summary>PROXY protocol version, 1 (text) or 2 (binary; default).</summary>
    [JsonPropertyName("version")]
    [Range(1, 2)]
    public int? Version { get; init; }
}
