using System.Text.Json.Nodes;
using Switchyard.Model;
using Switchyard.Model.Traefik;
using Switchyard.TestKit;

namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// Base of the conformance tests: apply the test's manifests to the shared <see cref="ConformanceEnvironment"/>, wait
/// for the route status upstream's suite waits for (kubernetes.GatewayAndHTTPRoutesMustBeAccepted and friends), send
/// the cases through the gateway, and remove the test's objects afterwards (waiting until the table no longer has them,
/// so the next test starts from the base alone).
/// </summary>
[CancelAfter(60_000)]
public abstract class ConformanceTest
{
    protected const string Infra = ConformanceEnvironment.Infra;
    protected const string Controller = "traefik.io/gateway-controller";

    private readonly List<JsonObject> _applied = [];

    internal static ConformanceEnvironment Env => ConformanceEnvironment.Current;

    /// <summary>Applies the test's objects (removed again after the test).</summary>
    protected void Apply(string yaml) => _applied.AddRange(Env.Server.ApplyYaml(yaml));

    [TearDown]
    public async Task RemoveAppliedAsync()
    {
        var gone = new List<(string Kind, string Namespace, string Name)>();
        foreach (var obj in Enumerable.Reverse(_applied))
        {
            var kind = (string)obj["kind"]!;
            var ns = (string?)obj["metadata"]?["namespace"] ?? "";
            var name = (string)obj["metadata"]!["name"]!;
            if (Env.Server.Get((string)obj["apiVersion"]!, kind, ns, name) is not null)
            {
                Env.Server.Delete((string)obj["apiVersion"]!, kind, ns, name);
            }

            gone.Add((kind, ns, name));
        }

        _applied.Clear();
        await Env.UntilServingAsync(s => gone.All(g => !Holds(s, g.Kind, g.Namespace, g.Name)), "the test's objects removed from the table");
    }

    private static bool Holds(ClusterSnapshot s, string kind, string ns, string name)
    {
        static bool Has<T>(IEnumerable<T> items, string ns, string name) where T : ITraefikObject =>
            items.Any(i => i.Metadata.Name == name && (i.Metadata.NamespaceProperty ?? "default") == ns);
        return kind switch
        {
            "HTTPRoute" => Has(s.HttpRoutes, ns, name),
            "GRPCRoute" => Has(s.GrpcRoutes, ns, name),
            "Gateway" => Has(s.Gateways, ns, name),
            "ReferenceGrant" => Has(s.ReferenceGrants, ns, name),
            "BackendTLSPolicy" => Has(s.BackendTlsPolicies, ns, name),
            "ConfigMap" => s.ConfigMaps.Any(c => c.Metadata.Name == name && c.Metadata.NamespaceProperty == ns),
            "Service" => s.Services.Any(v => v.Metadata.Name == name && v.Metadata.NamespaceProperty == ns),
            _ => false,
        };
    }

    /// <summary>The route's parents[] entry of ours for the Gateway <paramref name="gateway"/> (in <paramref name="gatewayNamespace"/>, default: the route's).</summary>
    internal static JsonObject? Parent(string kind, string ns, string name, string gateway, string? gatewayNamespace = null, string? sectionName = null)
    {
        var route = Env.Server.Get("gateway.networking.k8s.io/v1", kind, ns, name);
        return route?["status"]?["parents"]?.AsArray().OfType<JsonObject>().FirstOrDefault(p =>
            (string?)p["controllerName"] == Controller && (string?)p["parentRef"]?["name"] == gateway &&
            ((string?)p["parentRef"]?["namespace"] ?? ns) == (gatewayNamespace ?? ns) &&
            (sectionName is null || (string?)p["parentRef"]?["sectionName"] == sectionName));
    }

    internal static string? Condition(JsonNode? holder, string type, long? generation = null) =>
        holder?["conditions"]?.AsArray().OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type) is { } c &&
        (generation is null || (long?)c["observedGeneration"] == generation)
            ? $"{c["status"]}/{c["reason"]}"
            : null;

    /// <summary>
    /// Waits until the route's parent entry for <paramref name="gateway"/> has condition <paramref name="type"/> as
    /// <paramref name="expected"/> ("True/Accepted", or "False" for any reason) for the route's current generation.
    /// </summary>
    protected static Task RouteConditionAsync(string kind, string ns, string name, string gateway, string type, string expected,
        string? gatewayNamespace = null, string? sectionName = null) =>
        Wait.UntilAsync(() =>
        {
            var generation = (long?)Env.Server.Get("gateway.networking.k8s.io/v1", kind, ns, name)?["metadata"]?["generation"];
            var actual = Condition(Parent(kind, ns, name, gateway, gatewayNamespace, sectionName), type, generation);
            return actual is not null && (actual == expected || actual.StartsWith(expected + "/", StringComparison.Ordinal));
        }, ConformanceEnvironment.Timeout, () => $"{kind} {ns}/{name} parent {gateway}: {type} {expected} (now: " +
            $"{Parent(kind, ns, name, gateway, gatewayNamespace, sectionName)?.ToJsonString() ?? "no parent entry"})");

    /// <summary>Upstream's GatewayAndHTTPRoutesMustBeAccepted + HTTPRouteMustHaveResolvedRefsConditionsTrue, for HTTPRoutes.</summary>
    protected static Task AcceptedAsync(string gateway, params string[] routes) => RoutesAcceptedAsync("HTTPRoute", gateway, routes);

    /// <summary>The same for routes of <paramref name="kind"/> (GatewayAndRoutesMustBeAccepted).</summary>
    protected static async Task RoutesAcceptedAsync(string kind, string gateway, params string[] routes)
    {
        foreach (var route in routes)
        {
            await RouteConditionAsync(kind, Infra, route, gateway, "Accepted", "True/Accepted");
            await RouteConditionAsync(kind, Infra, route, gateway, "ResolvedRefs", "True/ResolvedRefs");
        }
    }

    /// <summary>Upstream's HTTPRouteMustHaveNoAcceptedParents: no parents[] entry of the route says Accepted True.</summary>
    protected static void NoAcceptedParents(string kind, string ns, string name)
    {
        var parents = Env.Server.Get("gateway.networking.k8s.io/v1", kind, ns, name)?["status"]?["parents"]?.AsArray() ?? [];
        Assert.That(parents.Select(p => Condition(p, "Accepted")), Has.None.StartsWith("True"), $"{kind} {ns}/{name} has an accepted parent");
    }

    /// <summary>Upstream's GatewayMustHaveZeroRoutes: every listener of the Gateway reports attachedRoutes 0.</summary>
    protected static void ZeroRoutes(string gateway, string ns = Infra)
    {
        var listeners = Env.Get("Gateway", ns, gateway)?["status"]?["listeners"]?.AsArray() ?? [];
        Assert.That(listeners.Select(l => (int?)l?["attachedRoutes"] ?? 0), Has.All.Zero, $"Gateway {ns}/{gateway}: {listeners.ToJsonString()}");
    }

    /// <summary>Sends every case (retrying each until it matches, as upstream's eventually-consistent check) and reports all mismatches.</summary>
    internal static async Task ExpectAsync(IEnumerable<Case> cases, int? port = null, string scheme = "http", HttpClient? client = null)
    {
        var failures = new List<string>();
        foreach (var c in cases)
        {
            string? last = null;
            var mirrored = (c.MirroredTo ?? []).ToDictionary(m => m, m => Env.Backends[m].Received.Count(r => r.Path == c.Request.Path));
            try
            {
                await Wait.UntilAsync(async () =>
                {
                    try
                    {
                        last = ConformanceClient.Mismatch(c, await ConformanceClient.SendAsync(port ?? Env.HttpPort, c.Request, c.BackendSetsHeaders, scheme, client), scheme);
                    }
                    catch (HttpRequestException e)
                    {
                        last = e.Message;
                    }

                    return last is null;
                }, TimeSpan.FromSeconds(5), c.ToString());
                foreach (var (mirror, before) in mirrored)
                {
                    last = $"no copy reached the mirror {mirror}";
                    await Wait.UntilAsync(() => Env.Backends[mirror].Received.Count(r => r.Path == c.Request.Path) > before, TimeSpan.FromSeconds(5), last);
                }
            }
            catch (TimeoutException)
            {
                failures.Add($"{c}: {last}");
            }
        }

        Assert.That(failures, Is.Empty);
    }

    internal static Task ExpectAsync(params Case[] cases) => ExpectAsync((IEnumerable<Case>)cases);

    internal static Dictionary<string, string> H(params string[] pairs) =>
        Enumerable.Range(0, pairs.Length / 2).ToDictionary(i => pairs[2 * i], i => pairs[2 * i + 1], StringComparer.Ordinal);
}
