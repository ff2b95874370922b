using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Tests.Compiler;

/// <summary>
/// Issue 13.2: htpasswd/htdigest users are read by the compiler, so a bad line is a diagnostic in `validate` naming the
/// Secret and the Middleware (never a route the data plane drops later), and the table carries parsed users whose
/// hashes stay secret (redacted in JSON, part of the fingerprint).
/// </summary>
public class AuthUsersTests
{
    private static CompileResult Compile(string type, string users, string realm = "traefik") =>
        RoutingCompiler.Compile(ManifestLoader.Build([ManifestLoader.ParseText($$"""
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata: { name: auth, namespace: default }
            spec:
              {{type}}:
                secret: users
                realm: {{realm}}
            ---
            apiVersion: v1
            kind: Secret
            metadata: { name: users, namespace: default }
            stringData:
              users: |
            {{string.Join("\n", users.Split('\n').Select(l => "    " + l))}}
            """, "auth.yaml")]));

    private static List<Diagnostic> Errors(CompileResult result) => [.. result.Diagnostics.Where(d => d.Severity == Severity.Error)];

    [Test]
    public void BasicUsersAreParsedTheLastLineOfAUserWinning()
    {
        var result = Compile("basicAuth", "# comment\nbob:{SHA}first\n\nann:$apr1$abcdefgh$M2T3erDstkD7SsE2QQnfH0\nbob:{SHA}second");
        var config = (BasicAuthConfig)result.Table.Middlewares["default-auth"];
        Assert.Multiple(() =>
        {
            Assert.That(Errors(result), Is.Empty);
            Assert.That(config.Users.Select(u => (u.Name, u.Hash.Reveal())), Is.EqualTo(new[] { ("ann", "$apr1$abcdefgh$M2T3erDstkD7SsE2QQnfH0"), ("bob", "{SHA}second") }));
            Assert.That(RoutingTableJson.Serialize(result.Table), Does.Not.Contain("{SHA}").And.Contain(SecretText.Redacted));
        });
    }

    [TestCase("eve:plaintext", "line 1: user 'eve' has an unsupported hash")]
    [TestCase("ok:{SHA}x\nno-colon", "line 2 is not 'user:hash'")]
    [TestCase("a:b:{SHA}x", "line 1 is not 'user:hash'")]
    [TestCase(":{SHA}x", "line 1 is not 'user:hash'")]
    [TestCase("# only a comment", "has no users")]
    public void ABadBasicLineIsADiagnosticNamingTheSecretAndTheLine(string users, string expected)
    {
        var result = Compile("basicAuth", users);
        var errors = Errors(result);
        Assert.Multiple(() =>
        {
            Assert.That(errors, Has.Count.EqualTo(1));
            Assert.That(errors[0].Resource?.Name, Is.EqualTo("auth"), "reported on the Middleware");
            Assert.That(errors[0].Field, Is.EqualTo("spec.basicAuth.secret"));
            Assert.That(errors[0].Message, Does.Contain("Secret default/users").And.Contain(expected));
            Assert.That(errors[0].Message, Does.Not.Contain("plaintext"), "a hash is never echoed");
            Assert.That(result.Table.Middlewares, Does.Not.ContainKey("default-auth"));
        });
    }

    [Test]
    public void DigestUsersOfTheRealmAreKept()
    {
        var result = Compile("digestAuth", "alice:gw:0123456789ABCDEF0123456789abcdef\nbob:other:0123456789abcdef0123456789abcdef", realm: "gw");
        var config = (DigestAuthConfig)result.Table.Middlewares["default-auth"];
        Assert.Multiple(() =>
        {
            Assert.That(Errors(result), Is.Empty);
            Assert.That(config.Users.Select(u => (u.Name, u.Ha1.Reveal())), Is.EqualTo(new[] { ("alice", "0123456789abcdef0123456789abcdef") }));
        });
    }

    [TestCase("alice:$apr1$xyz", "gw", "line 1 is not 'user:realm:md5-hex'")]
    [TestCase("alice:gw:tooshort", "gw", "line 1 is not 'user:realm:md5-hex'")]
    [TestCase("bob:other:0123456789abcdef0123456789abcdef", "gw", "has no users for realm 'gw'")]
    public void ABadDigestLineIsADiagnosticNamingTheSecret(string users, string realm, string expected)
    {
        var errors = Errors(Compile("digestAuth", users, realm));
        Assert.Multiple(() =>
        {
            Assert.That(errors, Has.Count.EqualTo(1));
            Assert.That(errors[0].Field, Is.EqualTo("spec.digestAuth.secret"));
            Assert.That(errors[0].Message, Does.Contain("Secret default/users").And.Contain(expected));
        });
    }

    [Test]
    public void ADigestRealmWithAQuoteIsRefused()
    {
        var errors = Errors(Compile("digestAuth", "alice:a\"b:0123456789abcdef0123456789abcdef", realm: "'a\"b'"));
        Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "spec.digestAuth.realm" }));
    }

    [Test]
    public void TheFingerprintChangesWithAHashOnly()
    {
        var one = TableFingerprint.Compute(Compile("basicAuth", "bob:{SHA}first").Table);
        var two = TableFingerprint.Compute(Compile("basicAuth", "bob:{SHA}second").Table);
        var again = TableFingerprint.Compute(Compile("basicAuth", "bob:{SHA}first").Table);
        Assert.Multiple(() =>
        {
            Assert.That(two, Is.Not.EqualTo(one));
            Assert.That(again, Is.EqualTo(one));
        });
    }
}
