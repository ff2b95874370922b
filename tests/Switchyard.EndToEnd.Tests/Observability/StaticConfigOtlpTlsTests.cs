using Switchyard.Configuration;
using Switchyard.TestKit;

namespace Switchyard.EndToEnd.Tests.Observability;

/// <summary>
/// otlp.grpc.tls / otlp.http.tls of tracing and metrics.otlp (Traefik's ClientTLS): PEM files relative to the config's
/// folder or PEM text, parsed when the config is read so a bad certificate is a config error naming the key.
/// </summary>
[CancelAfter(10_000)]
public class StaticConfigOtlpTlsTests
{
    private const string EntryPoints = """
        entryPoints:
          web:
            address: "127.0.0.1:0"

        """;

    [Test]
    public void TracingTls_ReadsFilesRelativeToTheConfig_AndGrpcInsecureGivesWayToTls()
    {
        using var ca = TestCertificates.CreateCa("OTLP CA");
        using var client = TestCertificates.IssueClient(ca, "exporter");
        var options = LoadWithFiles(EntryPoints + """
            tracing:
              otlp:
                grpc:
                  endpoint: collector:4317
                  insecure: true
                  tls: {ca: certs/ca.pem, cert: certs/client.pem, key: certs/client-key.pem}
            """, new()
        {
            ["certs/ca.pem"] = TestCertificates.CertificatePem(ca),
            ["certs/client.pem"] = TestCertificates.CertificatePem(client),
            ["certs/client-key.pem"] = TestCertificates.PrivateKeyPem(client),
        }).Tracing!;
        Assert.Multiple(() =>
        {
            Assert.That(options.Endpoint, Is.EqualTo(new Uri("https://collector:4317")), "a tls block wins over insecure, as in Traefik");
            Assert.That(options.Tls!.RootCas.Select(c => c.Thumbprint), Is.EqualTo(new[] { ca.Thumbprint }));
            Assert.That(options.Tls.ClientCertificate!.Thumbprint, Is.EqualTo(client.Thumbprint));
            Assert.That(options.Tls.ClientCertificate.HasPrivateKey, Is.True);
            Assert.That(options.Tls.InsecureSkipVerify, Is.False);
        });
    }

    [Test]
    public void MetricsTls_TakesPemText_AndInsecureSkipVerify()
    {
        using var ca = TestCertificates.CreateCa("OTLP CA");
        var pem = TestCertificates.CertificatePem(ca).TrimEnd().ReplaceLineEndings("\n          ");
        var metrics = LoadWithFiles(EntryPoints + $"""
            metrics:
              otlp:
                http:
                  endpoint: https://collector:4318
                  tls:
                    insecureSkipVerify: true
                    ca: |
                      {pem}
            """, []).Metrics!;
        Assert.Multiple(() =>
        {
            Assert.That(metrics.Otlp!.Tls!.RootCas.Single().Thumbprint, Is.EqualTo(ca.Thumbprint));
            Assert.That(metrics.Otlp.Tls.InsecureSkipVerify, Is.True);
        });
    }

    [Test]
    public void AKeyThatDoesNotMatchTheCertificate_IsAnErrorNamingTheKey()
    {
        using var ca = TestCertificates.CreateCa("OTLP CA");
        using var client = TestCertificates.IssueClient(ca, "exporter");
        using var other = TestCertificates.IssueClient(ca, "someone-else");
        var ex = Assert.Throws<StaticConfigException>(() => LoadWithFiles(EntryPoints + """
            metrics:
              otlp:
                grpc:
                  endpoint: collector:4317
                  tls: {cert: client.pem, key: other-key.pem}
            """, new()
        {
            ["client.pem"] = TestCertificates.CertificatePem(client),
            ["other-key.pem"] = TestCertificates.PrivateKeyPem(other),
        }));
        Assert.That(ex!.Message, Does.Contain("metrics.otlp.grpc.tls.cert: not a matching PEM certificate and key"));
    }

    [Test]
    public void ACaThatIsNoCertificate_IsAnError()
    {
        var ex = Assert.Throws<StaticConfigException>(() => LoadWithFiles(EntryPoints + """
            tracing:
              otlp:
                http:
                  tls: {ca: ca.pem}
            """, new() { ["ca.pem"] = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n" }));
        Assert.That(ex!.Message, Does.Contain("tracing.otlp.http.tls.ca: not a PEM certificate"));
    }

    private static LoadedStaticConfig LoadWithFiles(string yaml, Dictionary<string, string> files)
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-otlp-tls-").FullName;
        try
        {
            foreach (var (name, text) in files)
            {
                var path = Path.Combine(dir, name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
            }

            var config = Path.Combine(dir, "switchyard.yaml");
            File.WriteAllText(config, yaml);
            return StaticConfigLoader.Load(config);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
