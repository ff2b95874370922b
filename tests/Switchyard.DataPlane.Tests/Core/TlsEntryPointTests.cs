using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Core;

[CancelAfter(60_000)]
public class TlsEntryPointTests
{
    [Test]
    public async Task Sni_PicksTheCertificateOfTheName_AndRoutersWithTlsMatchOnlyTls()
    {
        using var ca = TestCertificates.CreateCa();
        using var api = TestCertificates.IssueServer(ca, "api.test");
        using var other = TestCertificates.IssueServer(ca, "other.test");
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync();
        var tls = new TlsConfig(
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
            [
                KeyValuePair.Create("default-api", new TlsCertificate(["api.test"], Pem(api, true))),
                KeyValuePair.Create("default-other", new TlsCertificate(["other.test"], Pem(other, true))),
            ]),
            TlsConfig.Empty.Stores, TlsConfig.Empty.Options);
        gw.Apply(Table([Router("secure", "svc", tls: new RouterTls(null, null, [], "default-api", null))],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }, tls: tls));

        string? seenApi = null;
        string? seenOther = null;
        var reply = await new Echo.EchoClient(gw.TlsChannel("api.test", ca, seen: c => seenApi = c.GetNameInfo(X509NameType.DnsName, false)))
            .UnaryAsync(new EchoRequest { Message = "x" });
        await new Echo.EchoClient(gw.TlsChannel("other.test", ca, seen: c => seenOther = c.GetNameInfo(X509NameType.DnsName, false)))
            .UnaryAsync(new EchoRequest { Message = "x" });
        Assert.Multiple(() =>
        {
            Assert.That(reply.Server, Is.EqualTo("b1"));
            Assert.That(seenApi, Is.EqualTo("api.test"));
            Assert.That(seenOther, Is.EqualTo("other.test"));
        });

        // The TLS-only router does not answer on the cleartext entry point.
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await gw.Client().UnaryAsync(new EchoRequest()));
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Unimplemented));
    }

    [Test]
    public async Task MutualTls_RejectsAClientWithoutCertificate_AcceptsOneFromTheCa()
    {
        using var ca = TestCertificates.CreateCa();
        using var clientCa = TestCertificates.CreateCa("Client CA");
        using var server = TestCertificates.IssueServer(ca, "mtls.test");
        using var clientCert = TestCertificates.IssueClient(clientCa, "caller");
        using var strangerCa = TestCertificates.CreateCa("Stranger CA");
        using var stranger = TestCertificates.IssueClient(strangerCa, "stranger");
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var gw = await Gateway.StartAsync();
        var mtls = new TlsOptionsConfig("VersionTLS12", null, [], [],
            new ClientAuthConfig("RequireAndVerifyClientCert", [Pem(clientCa, false)]), false, []);
        var tls = new TlsConfig(
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
                [KeyValuePair.Create("default-mtls", new TlsCertificate(["mtls.test"], Pem(server, true)))]),
            TlsConfig.Empty.Stores,
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("default-mtls", mtls)]));
        gw.Apply(Table(
            [Router("secure", "svc", Host("mtls.test"), rule: "Host(`mtls.test`)", tls: new RouterTls("default-mtls", null, [], "default-mtls", null))],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) }, tls: tls));

        var without = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Echo.EchoClient(gw.TlsChannel("mtls.test", ca)).UnaryAsync(new EchoRequest()));
        Assert.That(without!.StatusCode, Is.EqualTo(StatusCode.Unavailable).Or.EqualTo(StatusCode.Internal));

        var wrongCa = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Echo.EchoClient(gw.TlsChannel("mtls.test", ca, stranger)).UnaryAsync(new EchoRequest()));
        Assert.That(wrongCa!.StatusCode, Is.EqualTo(StatusCode.Unavailable).Or.EqualTo(StatusCode.Internal));

        var reply = await new Echo.EchoClient(gw.TlsChannel("mtls.test", ca, clientCert)).UnaryAsync(new EchoRequest { Message = "ok" });
        Assert.That(reply.Message, Is.EqualTo("ok"));
        Assert.That(backend.Calls, Is.EqualTo(1));
    }
}
