using System.Text.Json.Serialization;
using k8s.Models;
using Switchyard.Model.GatewayApi;
using Switchyard.Model.Traefik;

namespace Switchyard.Model.Loading;

/// <summary>
/// Compile-time System.Text.Json metadata of every kind a manifest decodes to (ObjectDecoder's kinds and the types they
/// reach). With reflection metadata, the first decode of each kind built its contract at run time — member
/// discovery, attribute reads and emitted accessors, ~600 methods jitted before a 1k-route folder was ready —; this
/// metadata is compiled (and precompiled by ReadyToRun) with the assembly. Naming and null handling are
/// <see cref="ManifestLimits.DeepKubernetesJson"/>'s (KubernetesClient's); that options' converters still apply, since
/// generated metadata asks the options for a converter first. Metadata only: nothing serializes through it on a hot path.
/// </summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Metadata,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IngressRoute))]
[JsonSerializable(typeof(Middleware))]
[JsonSerializable(typeof(ServersTransport))]
[JsonSerializable(typeof(TlsOption))]
[JsonSerializable(typeof(TlsStore))]
[JsonSerializable(typeof(TraefikService))]
[JsonSerializable(typeof(IngressRouteTcp))]
[JsonSerializable(typeof(IngressRouteUdp))]
[JsonSerializable(typeof(MiddlewareTcp))]
[JsonSerializable(typeof(ServersTransportTcp))]
[JsonSerializable(typeof(GatewayClass))]
[JsonSerializable(typeof(Gateway))]
[JsonSerializable(typeof(HttpRoute))]
[JsonSerializable(typeof(GrpcRoute))]
[JsonSerializable(typeof(ReferenceGrant))]
[JsonSerializable(typeof(BackendTlsPolicy))]
[JsonSerializable(typeof(V1Service))]
[JsonSerializable(typeof(V1Secret))]
[JsonSerializable(typeof(V1ConfigMap))]
[JsonSerializable(typeof(V1EndpointSlice))]
[JsonSerializable(typeof(V1Node))]
[JsonSerializable(typeof(V1Namespace))]
[JsonSerializable(typeof(V1Ingress))]
[JsonSerializable(typeof(V1IngressClass))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
