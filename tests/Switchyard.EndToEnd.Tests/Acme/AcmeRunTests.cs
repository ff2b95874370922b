using System.Security.Cryptography.X509Certificates;
using Switchyard.TestKit;
using Switchyard.TestKit.Acme;
using Switchyard.TestKit.Grpc;

namespace Switchyard.EndToEnd.Tests.Acme;

/// <summary>
/// `switchyard run` with a certificatesResolvers entry in the static config, against pebble: the route with
/// tls.certResolver gets a certificate without any Secret, gRPC runs over it, and a restart reuses the stored one.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(180_000)]
public class AcmeRunTests
{
    [Test]
    public async Task CertResolverIssuesAtRunAndRestartReusesTheStoredCertificate()
    {
        if (!PebbleServer.IsInstalled)
        {
            Assert.Ignore("pebble is not installed (scripts/setup.d/30-acme.sh installs it)");
        }

        await using var backend = await GrpcTestBackend.StartAsync("acme-run");
        var (web, websecure, admin) = (SwitchyardProcess.FreePort(), SwitchyardProcess.FreePort(), SwitchyardProcess.FreePort());
        await using var pebble = await PebbleServer.StartAsync(web, websecure);
        using var root = await pebble.GetIssuingRootAsync();
        var dir = Directory.CreateTempSubdirectory("switchyard-acme-run-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "pebble-ca.pem"), TestCertificates.CertificatePem(pebble.ListenerCa));
            Directory.CreateDirectory(Path.Combine(dir.FullName, "manifests"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "manifests", "acme.yaml"), Manifest(backend.Port));
            var config = Path.Combine(dir.FullName, "switchyard.yaml");
            await File.WriteAllTextAsync(config, $$"""
                entryPoints:
                  web:
                    address: "127.0.0.1:{{web}}"
                  websecure:
                    address: "127.0.0.1:{{websecure}}"
                    tls: {}
                  admin:
                    address: "127.0.0.1:{{admin}}"
                    admin: true
                providers:
                  file:
                    directory: manifests
                certificatesResolvers:
                  pebble:
                    acme:
                      email: ops@acme.test
                      caServer: {{pebble.DirectoryUrl}}
                      storage: acme
                      httpChallenge:
                        entryPoint: web
                      caCertificates: [pebble-ca.pem]
                """);

            var first = await ServedCertificateAsync(config, websecure, admin, root);
            Assert.That(first.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames(),
                Is.EquivalentTo(new[] { "run.acme.test", "www.run.acme.test" }));
            Assert.That(Directory.EnumerateFiles(Path.Combine(dir.FullName, "acme", "certificates")), Is.Not.Empty);

            var second = await ServedCertificateAsync(config, websecure, admin, root);
            Assert.That(second.SerialNumber, Is.EqualTo(first.SerialNumber), "a restart serves the stored certificate (no new order)");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Starts `switchyard run`, waits until a gRPC call over TLS with the route's SNI succeeds, stops it.</summary>
    private static async Task<X509Certificate2> ServedCertificateAsync(string config, int websecure, int admin, X509Certificate2 root)
    {
        using var process = SwitchyardProcess.StartRun(config, out var output);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{admin}") };
            // Fixed ports (pebble validates the challenges there): a port taken meanwhile fails at once, with the output.
            await SwitchyardProcess.UntilAsync(process, output, () => SwitchyardProcess.IsReadyAsync(http), TimeSpan.FromSeconds(60), "switchyard to be ready");
            X509Certificate2? served = null;
            await SwitchyardProcess.UntilAsync(process, output, async () =>
            {
                try
                {
                    using var channel = TlsChannels.Create(websecure, "run.acme.test", root, c => served = c);
                    var reply = await new Echo.EchoClient(channel).UnaryAsync(new EchoRequest { Message = "tls" });
                    return reply.Server == "acme-run";
                }
                catch (Grpc.Core.RpcException)
                {
                    return false; // still the default certificate: the chain does not lead to pebble's root yet
                }
            }, TimeSpan.FromSeconds(90), "a gRPC call over the ACME certificate");
            return served!;
        }
        finally
        {
            await SwitchyardProcess.StopAsync(process);
        }
    }

    private static string Manifest(int port) => $"""
        apiVersion: v1
        kind: Service
        metadata: {"{"}name: echo, namespace: default{"}"}
        spec:
          ports: [{"{"}name: grpc, port: 5000{"}"}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: echo-1
          namespace: default
          labels: {"{"}kubernetes.io/service-name: echo{"}"}
        addressType: IPv4
        ports: [{"{"}name: grpc, port: {port}{"}"}]
        endpoints:
          - addresses: ["127.0.0.1"]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {"{"}name: secure-echo, namespace: default{"}"}
        spec:
          entryPoints: [websecure]
          routes:
            - kind: Rule
              match: Host(`run.acme.test`) || Host(`www.run.acme.test`)
              services: [{"{"}name: echo, port: grpc, scheme: h2c{"}"}]
          tls:
            certResolver: pebble
        """;
}
