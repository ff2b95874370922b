using System.Net;
using Switchyard.DataPlane.Tracing;

namespace Switchyard.DataPlane.Tests.Observability;

/// <summary>The texts a sampled call's span reuses from the call before (peer address, rpc.service / rpc.method) are each call's own.</summary>
public class SpanAttributeTextTests
{
    [Test]
    public void RpcNames_AreThePathsOwn_WhenPathsAlternate()
    {
        string[] paths = ["/greet.Greeter/SayHello", "/switchyard.test.Echo/Unary", "/greet.Greeter/SayHello", "/greet.Greeter/SayBye"];
        foreach (var path in paths.Concat(paths))
        {
            var names = RpcNames.Of(new string(path)); // a fresh string per call, as Kestrel's
            Assert.That(names, Is.Not.Null);
            Assert.That($"/{names!.Service}/{names.Method}", Is.EqualTo(path));
        }

        Assert.Multiple(() =>
        {
            Assert.That(RpcNames.Of("/plain"), Is.Null, "not /Service/Method");
            Assert.That(RpcNames.Of("/"), Is.Null);
            Assert.That(RpcNames.Of(null), Is.Null);
            Assert.That(RpcNames.Of("/a/b/c")?.Method, Is.EqualTo("b/c"), "everything after the service, as before");
        });
    }

    [Test]
    public void PeerAddressText_IsTheAddressesOwn_WhenPeersAlternate()
    {
        var v4 = IPAddress.Parse("10.1.2.3");
        var mapped = IPAddress.Parse("::ffff:10.1.2.4");
        var v6 = IPAddress.Parse("2001:db8::1");
        foreach (var (peer, text) in new[] { (v4, "10.1.2.3"), (v4, "10.1.2.3"), (mapped, "10.1.2.4"), (v6, "2001:db8::1"), (IPAddress.Parse("10.1.2.3"), "10.1.2.3"), (mapped, "10.1.2.4") })
        {
            Assert.That(PeerAddresses.Text(peer), Is.EqualTo(text));
        }
    }
}
