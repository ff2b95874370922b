using System.Text.Json.Nodes;
using Grpc.Core;
using Switchyard.Kubernetes;
using Switchyard.TestKit;
using Switchyard.TestKit.FakeKube;
using Switchyard.TestKit.Grpc;

namespace Switchyard.EndToEnd.Tests.Kubernetes;

/// <summary>
/// BackendTLSPolicy through the Kubernetes source (issue 19.1): applied with kubectl to the fake API server (upstream
/// CRDs), the policy makes a GRPCRoute reach a real TLS gRPC backend verified with the CA of its ConfigMap; the leader
/// writes the policy's ancestor status (read back with kubectl); the ConfigMap changed to another CA fails the calls
/// (UNAVAILABLE), and deleted, turns the policy's status to Accepted False / NoValidCACertificate.
/// </summary>
[CancelAfter(120_000)]
public sealed class BackendTlsPolicyKubernetesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Test]
    public async Task KubectlAppliedPolicy_ServesOverTls_FollowsItsConfigMap_AndReportsItsStatus()
    {
        using var ca = TestCertificates.CreateCa("k8s backend CA");
        using var otherCa = TestCertificates.CreateCa("other CA");
        using var certificate = TestCertificates.IssueServer(ca, "echo.backend.test");
        await using var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        GatewayApiCrds.Install(server);
        await using var backend = await GrpcTestBackend.StartAsync("tls-echo", new GrpcTestBackendOptions { Certificate = certificate });
        await using var op = await InProcessOperator.StartAsync(server, options: new KubernetesSourceOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            TraefikCrds = false,
            GatewayApi = new GatewayApiSourceOptions(),
        });
        using var channel = op.Channel();
        var client = new Echo.EchoClient(channel);
        var workDir = Directory.CreateTempSubdirectory("e2e-backendtls-").FullName;
        try
        {
            Kubectl? kubectl = Kubectl.IsAvailable ? Kubectl.For(server, workDir) : null;
            async Task ApplyAsync(string yaml)
            {
                if (kubectl is null)
                {
                    server.ApplyYaml(yaml);
                    return;
                }

                var applied = await kubectl.RunAsync(yaml, "apply", "--validate=false", "-f", "-");
                Assert.That(applied.ExitCode, Is.Zero, applied.ToString());
            }

            async Task<StatusCode> CallAsync()
            {
                try
                {
                    await client.UnaryAsync(new EchoRequest { Message = "m" }, deadline: DateTime.UtcNow.AddSeconds(5));
                    return StatusCode.OK;
                }
                catch (RpcException e)
                {
                    return e.StatusCode;
                }
            }

            async Task<string?> PolicyConditionsAsync()
            {
                if (kubectl is null)
                {
                    return null;
                }

                var got = await kubectl.RunAsync(null, "get", "backendtlspolicies.gateway.networking.k8s.io", "echo-tls", "-n", "default", "-o", "json");
                var ancestor = got.ExitCode == 0 ? JsonNode.Parse(got.StdOut)?["status"]?["ancestors"]?.AsArray().FirstOrDefault() : null;
                return ancestor is null
                    ? null
                    : $"{ancestor["ancestorRef"]?["name"]}: " + string.Join(", ", ancestor["conditions"]!.AsArray().Select(c => $"{c!["type"]}={c["status"]}/{c["reason"]}"));
            }

            await ApplyAsync(string.Join("\n---\n", Objects(backend.Port), CaConfigMap(ca)));
            await Wait.UntilAsync(async () => await CallAsync() == StatusCode.OK, Timeout, "the GRPCRoute reaches the TLS backend");
            string? accepted = null;
            if (kubectl is not null)
            {
                await Wait.UntilAsync(async () => (accepted = await PolicyConditionsAsync()) is not null, Timeout, "the policy's status is written");
            }

            await ApplyAsync(CaConfigMap(otherCa));
            await Wait.UntilAsync(async () => await CallAsync() == StatusCode.Unavailable, Timeout, "the ConfigMap's other CA fails the TLS handshake");

            string? invalid = null;
            if (kubectl is not null)
            {
                var deleted = await kubectl.RunAsync(null, "delete", "configmap", "echo-ca", "-n", "default");
                Assert.That(deleted.ExitCode, Is.Zero, deleted.ToString());
                await Wait.UntilAsync(async () => (invalid = await PolicyConditionsAsync())?.Contains("NoValidCACertificate", StringComparison.Ordinal) == true,
                    Timeout, "the policy reports its missing CA");
            }

            if (kubectl is null)
            {
                Assert.Warn("kubectl not installed: status not read back");
                return;
            }

            Assert.Multiple(() =>
            {
                Assert.That(accepted, Is.EqualTo("gw: Accepted=True/Accepted, ResolvedRefs=True/ResolvedRefs"));
                Assert.That(invalid, Is.EqualTo("gw: Accepted=False/NoValidCACertificate, ResolvedRefs=False/InvalidCACertificateRef"));
            });
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    private static string CaConfigMap(System.Security.Cryptography.X509Certificates.X509Certificate2 ca) => $$"""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: echo-ca, namespace: default}
        data:
          ca.crt: |
        {{string.Join("\n", TestCertificates.CertificatePem(ca).Trim().Split('\n').Select(l => "    " + l))}}
        """;

    private static string Objects(int port) => $$"""
        {{GatewayApiManifests.Backend("echo", port)}}
        ---
        {{GatewayApiManifests.GatewayAndClass()}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: echo-tls, namespace: default}
        spec:
          targetRefs: [{group: "", kind: Service, name: echo}]
          validation:
            hostname: echo.backend.test
            caCertificateRefs: [{group: "", kind: ConfigMap, name: echo-ca}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: echo, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - backendRefs: [{name: echo, port: 5000}]
        """;
}
