using System.Security.Cryptography.X509Certificates;
using Switchyard.Model;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Tests.Table;

/// <summary>
/// Secret material is part of the table's value (issue 13.1): compared and fingerprinted through its SHA-256,
/// never written to JSON.
/// </summary>
public class SecretValueTests
{
    private const string Route = """
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: app, namespace: default}
        spec:
          entryPoints: [web]
          routes:
            - kind: Rule
              match: Host(`app.example.com`)
              middlewares: [{name: auth}]
              services: [{name: whoami, port: 80}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata: {name: auth, namespace: default}
        spec:
          basicAuth: {secret: users}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: whoami, namespace: default}
        spec:
          ports: [{name: http, port: 80}]
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: users, namespace: default}
        type: Opaque
        stringData:
          users: |
        """;

    private static RoutingTable Compile(string usersLine)
    {
        var snapshot = ManifestLoader.LoadText(Route + "\n    " + usersLine + "\n", "test.yaml");
        Assert.That(snapshot.LoadDiagnostics, Is.Empty);
        return RoutingCompiler.Compile(snapshot).Table;
    }

    [Test]
    public void ATableDifferingOnlyInASecretHasTheSameJsonAndAnotherFingerprint()
    {
        var before = Compile("bob:{SHA}old-hash=");
        var after = Compile("bob:{SHA}new-hash=");
        var again = Compile("bob:{SHA}new-hash=");

        Assert.Multiple(() =>
        {
            Assert.That(RoutingTableJson.Serialize(after), Is.EqualTo(RoutingTableJson.Serialize(before)), "JSON shows no secret");
            Assert.That(RoutingTableJson.Serialize(after), Does.Not.Contain("new-hash").And.Contain(SecretText.Redacted));
            Assert.That(TableFingerprint.Compute(after), Is.Not.EqualTo(TableFingerprint.Compute(before)));
            Assert.That(TableFingerprint.Compute(again), Is.EqualTo(TableFingerprint.Compute(after)));
        });
    }

    [Test]
    public void SecretTextComparesByContentAndNeverPrintsIt()
    {
        var a = new SecretText("k1");
        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(new SecretText("k1")));
            Assert.That(a, Is.Not.EqualTo(new SecretText("k2")));
            Assert.That(a.GetHashCode(), Is.EqualTo(new SecretText("k1").GetHashCode()));
            Assert.That(a.ToString(), Is.EqualTo(SecretText.Redacted));
            Assert.That(System.Text.Json.JsonSerializer.Serialize(a), Is.EqualTo("\"(redacted)\""));
        });
    }

    [Test]
    public void APrivateKeyIsPartOfATransportsValue()
    {
        // The same key in two encodings (PKCS#8 and SEC1): a changed key text is a changed table, never written out.
        using var cert = TestKit.TestCertificates.SelfSigned("client.test");
        using var ec = cert.GetECDsaPrivateKey()!;
        var certPem = TestKit.TestCertificates.CertificatePem(cert);
        var sec1 = ec.ExportECPrivateKeyPem();
        var one = ServersTransportConfig.Default with { ClientCertificates = [PemCertificate.Parse("Secret default/c", certPem, ec.ExportPkcs8PrivateKeyPem())] };
        var two = ServersTransportConfig.Default with { ClientCertificates = [PemCertificate.Parse("Secret default/c", certPem, sec1)] };
        var twoAgain = ServersTransportConfig.Default with { ClientCertificates = [PemCertificate.Parse("Secret default/c", certPem, sec1)] };
        Assert.Multiple(() =>
        {
            Assert.That(TableFingerprint.Compute(two), Is.Not.EqualTo(TableFingerprint.Compute(one)));
            Assert.That(two.ClientCertificates[0], Is.Not.EqualTo(one.ClientCertificates[0]));
            Assert.That(twoAgain.ClientCertificates[0], Is.EqualTo(two.ClientCertificates[0]), "the parsed certificates are not part of the value: the same PEM is the same record");
            Assert.That(twoAgain.ClientCertificates[0].GetHashCode(), Is.EqualTo(two.ClientCertificates[0].GetHashCode()));
            Assert.That(TableFingerprint.Compute(twoAgain), Is.EqualTo(TableFingerprint.Compute(two)));
            Assert.That(System.Text.Json.JsonSerializer.Serialize(two, RoutingTableJson.Options), Does.Not.Contain(sec1.Split('\n')[1]));
        });
    }
}
