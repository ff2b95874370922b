using Switchyard.Model;
using Switchyard.Model.Diagnostics;

namespace Switchyard.Model.Tests;

/// <summary>IngressRouteTCP, IngressRouteUDP, MiddlewareTCP and ServersTransportTCP are read (both groups), strictly.</summary>
public sealed class TcpKindsLoadingTests
{
    private const string Manifests = """
        apiVersion: traefik.io/v1alpha1
        kind: IngressRouteTCP
        metadata: {name: redis, namespace: data}
        spec:
          entryPoints: [redis]
          routes:
            - match: HostSNI(`*`)
              priority: 10
              middlewares: [{name: only-lan}]
              services:
                - {name: redis, port: 6379, weight: 3, terminationDelay: 200, proxyProtocol: {version: 1}, serversTransport: st, tls: false, nativeLB: true}
          tls: {passthrough: true, secretName: s, options: {name: o}, store: {name: default}, certResolver: le, domains: [{main: a.example, sans: [b.example]}]}
        ---
        apiVersion: traefik.containo.us/v1alpha1
        kind: IngressRouteUDP
        metadata: {name: dns, namespace: data}
        spec:
          entryPoints: [dns]
          routes:
            - services: [{name: coredns, port: dns, weight: 1, nodePortLB: false}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: MiddlewareTCP
        metadata: {name: only-lan, namespace: data}
        spec:
          ipAllowList: {sourceRange: [10.0.0.0/8]}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: ServersTransportTCP
        metadata: {name: st, namespace: data}
        spec:
          dialTimeout: 5s
          dialKeepAlive: 30
          terminationDelay: 100ms
          proxyProtocol: {version: 2}
          tls:
            serverName: redis.internal
            insecureSkipVerify: false
            rootCAs: [{secret: ca}]
            certificatesSecrets: [client]
            peerCertSANs: [{type: DNSName, value: redis.internal}]
            spiffe: {ids: [spiffe://x/y], trustDomain: x}
        """;

    [Test]
    public void The_tcp_and_udp_kinds_are_loaded_with_every_field()
    {
        var s = ManifestLoader.LoadText(Manifests, "tcp.yaml");
        Assert.Multiple(() =>
        {
            Assert.That(s.LoadDiagnostics, Is.Empty);
            Assert.That(s.IngressRouteTcps.Single().Spec.Routes[0].Services![0].Weight, Is.EqualTo(3));
            Assert.That(s.IngressRouteTcps.Single().Spec.Tls!.Passthrough, Is.True);
            Assert.That(s.IngressRouteUdps.Single().ApiVersion, Is.EqualTo("traefik.containo.us/v1alpha1"));
            Assert.That(s.MiddlewareTcps.Single().Spec.IpAllowList!.SourceRange, Is.EqualTo(new[] { "10.0.0.0/8" }));
            Assert.That(s.ServersTransportTcps.Single().Spec.Tls!.PeerCertSans![0].Value, Is.EqualTo("redis.internal"));
            Assert.That(s.ObjectCount, Is.EqualTo(4));
        });
    }

    [Test]
    public void An_unknown_field_of_a_tcp_route_is_reported_with_its_place()
    {
        const string yaml = """
            apiVersion: traefik.io/v1alpha1
            kind: IngressRouteTCP
            metadata: {name: t}
            spec:
              routes:
                - match: HostSNI(`*`)
                  services: [{name: a, port: 1, wieght: 2}]
            """;
        var s = ManifestLoader.LoadText(yaml, "t.yaml");
        var unknown = s.LoadDiagnostics.Single(d => d.Code == DiagnosticCodes.UnknownField);
        Assert.That(unknown.Field, Does.Contain("wieght"));
    }
}
