using static Switchyard.EndToEnd.Tests.Conformance.HttpRouteMatchingConformanceTests;

namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// Not an upstream test: the spec's rule that the share of calls a rule would send to an unusable backendRef gets 500
/// (upstream tests it only with a single backendRef, HTTPRouteInvalidBackendRefUnknownKind): beside a valid backend of
/// the same weight, half the calls get 500 and half reach the valid backend; with every backendRef unusable, all get 500.
/// </summary>
public sealed class InvalidBackendShareTests : ConformanceTest
{
    private const string Unknown = "{group: unknownkind.example.com, kind: NonExistent, name: infra-backend-v2, port: 8080}";

    [Test]
    public async Task The_share_of_an_unusable_backendRef_gets_500_and_the_valid_backends_keep_theirs()
    {
        Apply(Route("mixed-backend-refs",
            $"  - matches: [{{path: {{type: PathPrefix, value: /mixed}} }}]\n    backendRefs: [{{name: infra-backend-v1, port: 8080, weight: 1}}, {Unknown}]\n" +
            $"  - matches: [{{path: {{type: PathPrefix, value: /all-invalid}} }}]\n    backendRefs: [{Unknown}, {Unknown.Replace("infra-backend-v2", "infra-backend-v3")}]\n"));
        await RouteConditionAsync("HTTPRoute", Infra, "mixed-backend-refs", "same-namespace", "Accepted", "True/Accepted");
        await RouteConditionAsync("HTTPRoute", Infra, "mixed-backend-refs", "same-namespace", "ResolvedRefs", "False/InvalidKind");
        await ExpectAsync(new Case(new Req("/all-invalid"), 500));

        // Smooth weighted round robin with weights 1:1 alternates, so 20 calls split 10/10 (±1 where the window starts).
        var statuses = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var answer = await ConformanceClient.SendAsync(Env.HttpPort, new Req("/mixed"));
            statuses.Add(answer.Status == 200 ? answer.Echo?.Pod ?? "200 without echo" : answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.That(statuses, Has.All.AnyOf("infra-backend-v1-pod", "500"), string.Join(", ", statuses));
        Assert.That(statuses.Count(s => s == "500"), Is.InRange(9, 11), string.Join(", ", statuses));
    }
}
