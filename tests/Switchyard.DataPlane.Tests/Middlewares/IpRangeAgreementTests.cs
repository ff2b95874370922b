using System.Net;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>
/// Issue 13.2: one IP-range parser. What the compiler accepts in an ipAllowList is what the data plane honours
/// (it gets parsed ranges, never text), and what the compiler refuses — as Traefik's ip.Checker refuses it,
/// surrounding spaces included — is a diagnostic that `validate` shows, never a route the data plane drops later.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class IpRangeAgreementTests
{
    private static CompileResult Compile(string range) => RoutingCompiler.Compile(ManifestLoader.Build([ManifestLoader.ParseText($$"""
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata: { name: allow, namespace: default }
        spec:
          ipAllowList:
            sourceRange: ["{{range}}"]
        """, "allow.yaml")]));

    // The client is 127.0.0.1 (the test connects over IPv4 loopback).
    [TestCase("127.0.0.1", true)]
    [TestCase("127.0.0.2", false)]
    [TestCase("127.0.0.0/8", true)]
    [TestCase("127.9.9.9/8", true, TestName = "HostBitsAfterThePrefixAreIgnored")]
    [TestCase("::ffff:127.0.0.0/104", true, TestName = "AMappedIPv6BlockIsItsIPv4Block")]
    [TestCase("::ffff:127.0.0.1", true)]
    [TestCase("10.0.0.0/8", false)]
    [TestCase("0.0.0.0/0", true)]
    [TestCase("::/0", false, TestName = "NoIPv6BlockHoldsAnIPv4Client")]
    [TestCase("::1", false)]
    [TestCase("127.0.0.0/08", true, TestName = "APrefixWithALeadingZeroIsReadAsGoDoes")]
    public async Task ARangeTheCompilerAcceptsIsHonouredByTheDataPlane(string range, bool allowed)
    {
        var result = Compile(range);
        Assert.That(result.Diagnostics.Where(d => d.Severity == Severity.Error), Is.Empty);
        var config = result.Table.Middlewares["default-allow"];

        await using var backend = await GrpcTestBackend.StartAsync("b", HttpEchoBackend.Options());
        await using var gw = await Gateway.StartAsync();
        var swap = gw.Host.Tables.Swap(Table([Router("r", "svc", middlewares: ["default-allow"])],
            new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend.Address]) },
            middlewares: new Dictionary<string, MiddlewareConfig> { ["default-allow"] = config }));
        using var http = Clients.Http();
        using var response = await http.GetAsync($"http://127.0.0.1:{gw.Web.Port}/x");

        Assert.Multiple(() =>
        {
            Assert.That(swap.Diagnostics, Is.Empty, "the data plane builds what the compiler accepted");
            Assert.That(response.StatusCode, Is.EqualTo(allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden));
        });
    }

    [TestCase(" 127.0.0.0/8", TestName = "ALeadingSpaceIsRefusedAsInTraefik")]
    [TestCase("127.0.0.0/8 ", TestName = "ATrailingSpaceIsRefusedAsInTraefik")]
    [TestCase("")]
    [TestCase("127.1")]
    [TestCase("0127.0.0.1")]
    [TestCase("127.0.0.0/33")]
    [TestCase("fe80::1%eth0")]
    [TestCase("[::1]")]
    [TestCase("localhost")]
    public void ARangeTheCompilerRefusesIsADiagnosticNamingTheEntry(string range)
    {
        var result = Compile(range);
        var errors = result.Diagnostics.Where(d => d.Severity == Severity.Error).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(errors.Select(d => (d.Code, d.Field)), Is.EqualTo(new[] { (DiagnosticCodes.MiddlewareInvalidCidr, "spec.ipAllowList.sourceRange[0]") }));
            Assert.That(errors[0].Message, Does.Contain($"'{range}'"));
            Assert.That(result.Table.Middlewares, Does.Not.ContainKey("default-allow"));
        });
    }

    [Test]
    public void IPv4MappedClientsMatchIPv4RangesOnly()
    {
        var mapped = IPAddress.Parse("::ffff:10.1.2.3");
        Assert.Multiple(() =>
        {
            Assert.That(IpRanges.TryParse("10.0.0.0/8", out var v4, out _) && IpRanges.Contains(v4, mapped), Is.True);
            Assert.That(IpRanges.TryParse("::/0", out var v6, out _) && IpRanges.Contains(v6, mapped), Is.False);
            Assert.That(IpRanges.TryParse("11.0.0.0/8", out var other, out _) && IpRanges.Contains(other, mapped), Is.False);
        });
    }
}
