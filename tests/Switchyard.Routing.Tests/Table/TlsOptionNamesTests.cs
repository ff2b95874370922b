using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Tests.Table;

/// <summary>Issue 13.2: TLSOption names are checked by the compiler; the data plane used to skip unknown ones silently.</summary>
public class TlsOptionNamesTests
{
    private static CompileResult Compile(string spec) => RoutingCompiler.Compile(ManifestLoader.LoadText($$"""
        apiVersion: traefik.io/v1alpha1
        kind: TLSOption
        metadata: {name: opts, namespace: default}
        spec:
        {{spec}}
        """, "test.yaml"));

    [Test]
    public void AnUnknownCipherSuiteIsAnErrorOnItsField()
    {
        var result = Compile("  cipherSuites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_NO_SUCH_SUITE]");
        Assert.That(result.Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.Field), Does.Contain("spec.cipherSuites[1]"));
    }

    [Test]
    public void GosOlderChaChaNamesAreAccepted()
    {
        var result = Compile("  cipherSuites: [TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305]");
        Assert.Multiple(() =>
        {
            Assert.That(result.Diagnostics.Where(d => d.Severity == Severity.Error), Is.Empty);
            Assert.That(result.Table.Tls.Options["default-opts"].CipherSuites, Is.EqualTo(new[] { "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" }));
        });
    }

    [Test]
    public void CurvePreferencesThatCannotBeAppliedAreAWarning()
    {
        var result = Compile("  curvePreferences: [CurveP521]");
        Assert.That(result.Diagnostics.Where(d => d.Severity == Severity.Warning).Select(d => d.Field), Does.Contain("spec.curvePreferences"));
    }
}
