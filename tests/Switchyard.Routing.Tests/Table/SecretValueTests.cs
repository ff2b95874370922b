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
        var one = ServersTransportConfig.Default with { ClientCertificates = [new PemCertificate("Secret default/c", "CERT", "KEY-1")] };
        var two = ServersTransportConfig.Default with { ClientCertificates = [new PemCertificate("Secret default/c", "CERT", "KEY-2")] };
        Assert.Multiple(() =>
        {
            Assert.That(TableFingerprint.Compute(two), Is.Not.EqualTo(TableFingerprint.Compute(one)));
            Assert.That(System.Text.Json.JsonSerializer.Serialize(two, RoutingTableJson.Options), Does.Not.Contain("KEY-2"));
        });
    }
}
