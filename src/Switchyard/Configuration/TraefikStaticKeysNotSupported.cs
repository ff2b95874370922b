using System.Collections.Frozen;

namespace Switchyard.Configuration;

/// <summary>
/// THE ONE LIST of Traefik v3.7 static configuration keys that Switchyard recognises but does not implement yet.
/// A key written in switchyard.yaml is either implemented (a property of the classes in StaticConfig.cs), or on
/// this list and refused with "Traefik option X is not supported by Switchyard", or unknown (a typo: reported with
/// a "did you mean"). Spec: Traefik's docs/content/reference/static-configuration/file.yaml and
/// pkg/config/static/*.go; the test StaticConfigKeyTests checks every key of that reference (a copy is in
/// tests/Switchyard.EndToEnd.Tests/StaticConfig/traefik-v3.7-static-keys.txt) is implemented or listed here.
///
/// TO IMPLEMENT A KEY: add its property to StaticConfig.cs and DELETE ITS LINE HERE (a key both implemented and
/// listed fails StaticConfigKeyTests). A line names a whole subtree: "tracing" refuses every key under tracing;
/// to implement part of a subtree, replace its line by the lines of the parts still missing.
/// "*" stands for a name chosen by the user (an entry point, a resolver, a plugin).
/// </summary>
public static class TraefikStaticKeysNotSupported
{
    public static readonly FrozenSet<string> Keys = FrozenSet.ToFrozenSet(
    [
        "global",
        "serversTransport",
        "tcpServersTransport",

        "entryPoints.*.allowACMEByPass",
        "entryPoints.*.reusePort",
        "entryPoints.*.transport.lifeCycle.requestAcceptGraceTimeout",
        "entryPoints.*.transport.respondingTimeouts.readTimeout",
        "entryPoints.*.transport.respondingTimeouts.writeTimeout",
        "entryPoints.*.transport.keepAliveMaxTime",
        "entryPoints.*.transport.keepAliveMaxRequests",
        "entryPoints.*.forwardedHeaders.connection",
        "entryPoints.*.http.encodedCharacters",
        "entryPoints.*.http.encodeQuerySemicolons",
        "entryPoints.*.http.sanitizePath",
        "entryPoints.*.http.underscoreHeadersStrategy",
        "entryPoints.*.http2.maxDecoderHeaderTableSize",
        "entryPoints.*.http2.maxEncoderHeaderTableSize",
        "entryPoints.*.http3",

        "providers.providersThrottleDuration",
        "providers.precedence",
        "providers.file.filename",
        "providers.file.debugLogGeneratedTemplate",
        "providers.kubernetesCRD.endpoint",
        "providers.kubernetesCRD.token",
        "providers.kubernetesCRD.certAuthFilePath",
        "providers.kubernetesCRD.throttleDuration",
        "providers.kubernetesCRD.disableClusterScopeResources",
        "providers.docker",
        "providers.swarm",
        "providers.kubernetesIngress.endpoint",
        "providers.kubernetesIngress.token",
        "providers.kubernetesIngress.certAuthFilePath",
        "providers.kubernetesIngress.throttleDuration",
        "providers.kubernetesIngress.disableIngressClassLookup",
        "providers.kubernetesIngress.disableClusterScopeResources",
        "providers.kubernetesIngressNGINX",
        "providers.kubernetesGateway.endpoint",
        "providers.kubernetesGateway.token",
        "providers.kubernetesGateway.certAuthFilePath",
        "providers.kubernetesGateway.throttleDuration",
        "providers.kubernetesGateway.experimentalChannel",
        "providers.kubernetesGateway.nativeLBByDefault",
        "providers.knative",
        "providers.rest",
        "providers.consulCatalog",
        "providers.nomad",
        "providers.ecs",
        "providers.consul",
        "providers.etcd",
        "providers.zooKeeper",
        "providers.redis",
        "providers.http",
        "providers.plugin",

        "metrics.prometheus.manualRouting",
        "metrics.prometheus.headerLabels",
        "metrics.datadog",
        "metrics.statsD",
        "metrics.influxDB2",
        "ping",
        "log.format",
        "log.noColor",
        "log.filePath",
        "log.maxSize",
        "log.maxAge",
        "log.maxBackups",
        "log.compress",
        "log.otlp",
        "accessLog.otlp",
        "hostResolver",

        "certificatesResolvers.*.acme.preferredChain",
        "certificatesResolvers.*.acme.profile",
        "certificatesResolvers.*.acme.emailAddresses",
        "certificatesResolvers.*.acme.disableCommonName",
        "certificatesResolvers.*.acme.eab",
        "certificatesResolvers.*.acme.certificatesDuration",
        "certificatesResolvers.*.acme.clientTimeout",
        "certificatesResolvers.*.acme.clientResponseHeaderTimeout",
        "certificatesResolvers.*.acme.caSystemCertPool",
        "certificatesResolvers.*.acme.caServerName",
        "certificatesResolvers.*.acme.dnsChallenge",
        "certificatesResolvers.*.acme.httpChallenge.delay",
        "certificatesResolvers.*.acme.tlsChallenge.delay",
        "certificatesResolvers.*.tailscale",

        "experimental",
        "core",
        "spiffe",
        "ocsp",
    ]);
}
