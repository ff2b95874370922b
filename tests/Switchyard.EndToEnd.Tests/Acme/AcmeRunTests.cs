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
        var dir = Directory.CreateTempSubdirectory("switchyard-acme-run-");
        PebbleServer? pebble = null;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "manifests"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "manifests", "acme.yaml"), Manifest(backend.Port));
            var config = Path.Combine(dir.FullName, "switchyard.yaml");
            RunningSwitchyard run;
            for (var attempt = 1; ; attempt++)
            {
                // pebble validates the challenges on the entry points' ports, so web and websecure are chosen before
                // both start (pebble's own ports are retried inside StartAsync); a port taken before switchyard bound
                // it starts both again on fresh ports. The admin entry point listens on port 0.
                var (web, websecure) = (SwitchyardProcess.FreePort(), SwitchyardProcess.FreePort());
                pebble = await PebbleServer.StartAsync(web, websecure);
                await File.WriteAllTextAsync(Path.Combine(dir.FullName, "pebble-ca.pem"), TestCertificates.CertificatePem(pebble.ListenerCa));
                await File.WriteAllTextAsync(config, Config(pebble, $"127.0.0.1:{web}", $"127.0.0.1:{websecure}"));
                try
                {
                    run = await SwitchyardProcess.StartAsync(config, ["web", "websecure", "admin"]);
                    break;
                }
                catch (ChildExitedException e) when (attempt < 5 && e.Message.Contains("cannot listen", StringComparison.Ordinal))
                {
                    TestContext.Out.WriteLine($"attempt {attempt}: a port was taken before switchyard bound it; again on fresh ports");
                    await pebble.DisposeAsync();
                    pebble = null;
                }
            }

            using var root = await pebble.GetIssuingRootAsync();
            var first = await ServedCertificateAsync(run, root);
            Assert.That(first.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames(),
                Is.EquivalentTo(new[] { "run.acme.test", "www.run.acme.test" }));
            Assert.That(Directory.EnumerateFiles(Path.Combine(dir.FullName, "acme", "certificates")), Is.Not.Empty);

            // The restart needs no challenge (the stored certificate is served): every entry point on port 0.
            await File.WriteAllTextAsync(config, Config(pebble, "127.0.0.1:0", "127.0.0.1:0"));
            var second = await ServedCertificateAsync(await SwitchyardProcess.StartAsync(config, ["web", "websecure", "admin"]), root);
            Assert.That(second.SerialNumber, Is.EqualTo(first.SerialNumber), "a restart serves the stored certificate (no new order)");
        }
        finally
        {
            if (pebble is not null)
            {
                await pebble.DisposeAsync();
            }

            dir.Delete(recursive: true);
        }
    }

    private static string Config(PebbleServer pebble, string web, string websecure) => $$"""
        entryPoints:
          web:
            address: "{{web}}"
          websecure:
            address: "{{websecure}}"
            tls: {}
          admin:
            address: "127.0.0.1:0"
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
        """;

    /// <summary>Waits until a gRPC call over TLS with the route's SNI succeeds on the started `switchyard run`, then stops it.</summary>
    private static async Task<X509Certificate2> ServedCertificateAsync(RunningSwitchyard run, X509Certificate2 root)
    {
        using var process = run.Process;
        try
        {
            X509Certificate2? served = null;
            await SwitchyardProcess.UntilAsync(process, run.Output, async () =>
            {
                try
                {
                    using var channel = TlsChannels.Create(run.Ports["websecure"], "run.acme.test", root, c => served = c);
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
