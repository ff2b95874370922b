using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Switchyard.TestKit;

namespace Switchyard.EndToEnd.Tests;

/// <summary>
/// Issue 21 item 2: `switchyard run` serving a kubernetes.io/tls Secret reads it, builds its table and answers
/// /metrics (the certificate's expiry series) without OpenSSL, and loads libssl/libcrypto at its first TLS handshake
/// — whose certificate is the Secret's. The child's /proc/PID/maps says which shared objects it mapped (Linux).
/// </summary>
[CancelAfter(120_000)]
public class OpenSslAtFirstHandshakeTests
{
    [Test]
    public async Task A_tls_secret_is_read_without_openssl_which_loads_at_the_first_handshake()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("reads /proc/PID/maps");
        }

        using var certificate = TestCertificates.SelfSigned("tls.test");
        var dir = Directory.CreateTempSubdirectory("switchyard-openssl-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "manifests"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "switchyard.yaml"), """
                log:
                  level: INFO
                entryPoints:
                  websecure:
                    address: "127.0.0.1:0"
                    tls: {}
                  admin:
                    address: "127.0.0.1:0"
                    admin: true
                metrics:
                  prometheus: {}
                providers:
                  file:
                    directory: manifests
                """);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "manifests", "tls.yaml"), Manifest(certificate));

            var run = await SwitchyardProcess.StartAsync(Path.Combine(dir.FullName, "switchyard.yaml"), ["websecure", "admin"]);
            using var process = run.Process;
            try
            {
                using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{run.Ports["admin"]}") };
                var metrics = await admin.GetStringAsync("/metrics");
                Assert.That(metrics, Does.Contain("traefik_tls_certs_not_after{cn=\"tls.test\",sans=\"tls.test\""),
                    "the table with the Secret's certificate is served");
                Assert.That(OpenSslObjects(process.Id), Is.Empty, "mapped before any TLS handshake");

                var served = await HandshakeAsync(run.Ports["websecure"]);
                Assert.Multiple(() =>
                {
                    Assert.That(served, Is.EqualTo(certificate.Thumbprint), "the Secret's certificate is the one served");
                    Assert.That(OpenSslObjects(process.Id), Is.Not.Empty, "OpenSSL does the handshake");
                });
            }
            finally
            {
                await SwitchyardProcess.StopAsync(process);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static List<string> OpenSslObjects(int pid) =>
        [.. File.ReadAllLines($"/proc/{pid}/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .Where(path => Path.GetFileName(path).StartsWith("libssl", StringComparison.Ordinal)
                || Path.GetFileName(path).StartsWith("libcrypto", StringComparison.Ordinal))
            .Distinct()];

    /// <summary>The thumbprint of the certificate the entry point presents for SNI tls.test.</summary>
    private static async Task<string> HandshakeAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        string? thumbprint = null;
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "tls.test",
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                thumbprint = cert?.GetCertHashString();
                return true; // self-signed: what is checked is which certificate is presented
            },
        });
        return thumbprint ?? "(none)";
    }

    private static string Manifest(X509Certificate2 certificate) => TestCertificates.TlsSecretManifest("tls-test", certificate) + """

        ---
        apiVersion: traefik.io/v1alpha1
        kind: TLSStore
        metadata:
          name: default
          namespace: default
        spec:
          defaultCertificate:
            secretName: tls-test
        """;
}
