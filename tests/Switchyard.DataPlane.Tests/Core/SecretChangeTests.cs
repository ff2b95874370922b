using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Switchyard.DataPlane.Tests.Middlewares;
using Switchyard.Routing.Table;
using Switchyard.TestKit;
using static Switchyard.DataPlane.Tests.Core.TestTables;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>
/// Secret material is part of the table's value (issue 13.1): a table that differs from the serving one only in
/// a Secret's content is published, and the old credential stops working on the next request.
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class SecretChangeTests
{
    private static string Sha(string user, string password) => $"{user}:{{SHA}}{Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(password)))}";

    private static RoutingTable WithUsers(Uri backend, string usersLine) => Table(
        [Router("r", "svc", middlewares: ["default-auth"])],
        new Dictionary<string, ServiceConfig> { ["svc"] = Lb("h2c", [backend]) },
        middlewares: new Dictionary<string, MiddlewareConfig>
        {
            ["default-auth"] = new BasicAuthConfig(TestUsers.Basic(usersLine), "traefik", false, null),
        });

    [Test]
    public async Task AChangedPasswordIsPublishedAndTheOldOneIsRefusedOnTheNextRequest()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b", HttpEchoBackend.Options());
        await using var gw = await Gateway.StartAsync();
        using var http = Clients.Http();

        async Task<HttpStatusCode> Get(string password)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{gw.Web.Port}/x");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes("bob:" + password)));
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        var first = gw.Host.Tables.Swap(WithUsers(backend.Address, Sha("bob", "old-password")));
        var oldBefore = await Get("old-password");
        var second = gw.Host.Tables.Swap(WithUsers(backend.Address, Sha("bob", "new-password")));
        var oldAfter = await Get("old-password");
        var newAfter = await Get("new-password");
        var third = gw.Host.Tables.Swap(WithUsers(backend.Address, Sha("bob", "new-password")));

        Assert.Multiple(() =>
        {
            Assert.That(first.Published, Is.True);
            Assert.That(oldBefore, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(second.Published, Is.True, "a table differing only in a Secret's content is a new table");
            Assert.That(oldAfter, Is.EqualTo(HttpStatusCode.Unauthorized), "the old password is refused");
            Assert.That(newAfter, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(third.Published, Is.False, "an equal table (same secret) is not rebuilt");
        });
    }
}
