using YamlDotNet.Serialization;

namespace Switchyard.Configuration.StaticYaml;

/// <summary>
/// How switchyard.yaml's classes are created and their properties set, generated at build time
/// (Vecc.YamlDotNet.Analyzers.StaticGenerator; the rest of this partial class and its helpers are generated into this
/// namespace) instead of YamlDotNet's reflection deserializer building it from the classes at run time. Measured, it
/// spares ~20 of the ~2 550 methods jitted before the first table and no CPU visible on the bench machine (README
/// "Performance", 2026-12-07 15:50–16:35): the reading is kept for the trimmer's sake (no reflection over the config
/// classes), not for speed. Every class the file reaches is listed: the
/// generator warns (an error here) about a property whose class is missing, and StaticConfigYamlContextTests holds the
/// list to the classes StaticConfigKeyCheck walks.
/// </summary>
[YamlStaticContext]
[YamlSerializable(typeof(StaticConfig))]
[YamlSerializable(typeof(LogConfig))]
[YamlSerializable(typeof(DataPlaneConfig))]
[YamlSerializable(typeof(ApiConfig))]
[YamlSerializable(typeof(EntryPointConfig))]
[YamlSerializable(typeof(EntryPointTlsConfig))]
[YamlSerializable(typeof(Http2Config))]
[YamlSerializable(typeof(EntryPointTransportConfig))]
[YamlSerializable(typeof(RespondingTimeoutsConfig))]
[YamlSerializable(typeof(LifeCycleConfig))]
[YamlSerializable(typeof(ForwardedHeadersConfig))]
[YamlSerializable(typeof(ProxyProtocolConfig))]
[YamlSerializable(typeof(UdpConfig))]
[YamlSerializable(typeof(EntryPointObservabilityConfig))]
[YamlSerializable(typeof(EntryPointHttpConfig))]
[YamlSerializable(typeof(RedirectionsConfig))]
[YamlSerializable(typeof(RedirectEntryPointConfig))]
[YamlSerializable(typeof(EntryPointHttpTlsConfig))]
[YamlSerializable(typeof(DomainConfig))]
[YamlSerializable(typeof(ProvidersConfig))]
[YamlSerializable(typeof(FileProviderConfig))]
[YamlSerializable(typeof(KubernetesCrdProviderConfig))]
[YamlSerializable(typeof(KubernetesGatewayProviderConfig))]
[YamlSerializable(typeof(GatewayStatusAddressConfig))]
[YamlSerializable(typeof(GatewayStatusServiceConfig))]
[YamlSerializable(typeof(KubernetesIngressProviderConfig))]
[YamlSerializable(typeof(IngressEndpointConfig))]
[YamlSerializable(typeof(CertificateResolverConfig))]
[YamlSerializable(typeof(AcmeConfig))]
[YamlSerializable(typeof(AcmeHttpChallengeConfig))]
[YamlSerializable(typeof(AcmeTlsChallengeConfig))]
[YamlSerializable(typeof(MetricsConfig))]
[YamlSerializable(typeof(PrometheusConfig))]
[YamlSerializable(typeof(OtlpMetricsConfig))]
[YamlSerializable(typeof(OtlpGrpcConfig))]
[YamlSerializable(typeof(OtlpHttpConfig))]
[YamlSerializable(typeof(OtlpTlsConfig))]
[YamlSerializable(typeof(AccessLogConfig))]
[YamlSerializable(typeof(AccessLogFiltersConfig))]
[YamlSerializable(typeof(AccessLogFieldsConfig))]
[YamlSerializable(typeof(AccessLogHeadersConfig))]
[YamlSerializable(typeof(AccessLogQueryParametersConfig))]
[YamlSerializable(typeof(TracingConfig))]
[YamlSerializable(typeof(TracingOtlpConfig))]
public partial class StaticConfigYamlContext : StaticContext
{
}
