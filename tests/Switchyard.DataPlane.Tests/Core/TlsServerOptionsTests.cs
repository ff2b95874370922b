using System.Net.Security;
using System.Security.Authentication;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.Routing.Table;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>TLSOption fields that map onto SslServerAuthenticationOptions (the handshakes themselves are in TlsEntryPointTests).</summary>
public sealed class TlsServerOptionsTests
{
    [Test]
    public void DisableSessionTickets_turns_tls_resumption_off_and_versions_map()
    {
        using var cert = TestCertificates.SelfSigned("tls.test");
        var context = SslStreamCertificateContext.Create(cert, null);
        var option = new TlsOptionsConfig("VersionTLS12", "VersionTLS12", [], [], null, false, ["h2"]);

        Assert.That(TlsServerOptions.Create(context, option).AllowTlsResume, Is.True, "Traefik's default: tickets on");
        var off = TlsServerOptions.Create(context, option with { DisableSessionTickets = true });
        Assert.That(off.AllowTlsResume, Is.False);
        Assert.That(off.EnabledSslProtocols, Is.EqualTo(SslProtocols.Tls12));
    }
}
