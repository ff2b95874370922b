using Grpc.Core;
using Grpc.Net.Client;
using Switchyard.TestKit.Grpc;

namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// Gateway API conformance (v1.4.1): GRPCRoute, with real gRPC calls (Grpc.Net.Client) through the gateway to real
/// Grpc.AspNetCore backends. Upstream's GrpcEcho service with methods Echo / EchoTwo / EchoThree is our test Echo
/// service (switchyard.test.Echo) with Unary / ServerStream / ClientStream; the reply names the backend that answered.
/// One test per upstream test, named by its ShortName.
/// </summary>
public sealed class GrpcRouteConformanceTests : ConformanceTest
{
    private const string Service = "switchyard.test.Echo";

    /// <summary>A call of a case: which method ("Echo", "EchoTwo", "EchoThree" as upstream names them), metadata and :authority.</summary>
    internal sealed record GrpcCase(string Method, string? Backend, StatusCode Code = StatusCode.OK, IReadOnlyDictionary<string, string>? Metadata = null,
        string? Authority = null)
    {
        public static GrpcCase To(string backend, string method = "Echo", IReadOnlyDictionary<string, string>? metadata = null, string? authority = null) =>
            new(method, backend, StatusCode.OK, metadata, authority);

        public static GrpcCase Unimplemented(string method = "Echo", IReadOnlyDictionary<string, string>? metadata = null, string? authority = null) =>
            new(method, null, StatusCode.Unimplemented, metadata, authority);

        public override string ToString() => $"{Method} {Authority} {(Metadata is { } m ? string.Join(",", m.Select(p => p.Key + "=" + p.Value)) : "")}";
    }

    private static string Route(string name, string rules, string parentRefs = "[{name: same-namespace}]") => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: {{name}}, namespace: {{Infra}}}
        spec:
          parentRefs: {{parentRefs}}
          rules:
        {{rules}}
        """;

    private static string Method(string method, string backend) =>
        $"  - matches: [{{method: {{service: {Service}, method: {method}}} }}]\n    backendRefs: [{{name: {backend}, port: 8080}}]\n";

    /// <summary>One call: the backend that answered, or the status it failed with.</summary>
    private static async Task<(StatusCode Code, string? Server)> CallAsync(GrpcCase c)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{Env.HttpPort}", new GrpcChannelOptions
        {
            HttpHandler = new AuthorityHandler(c.Authority) { InnerHandler = new SocketsHttpHandler() },
        });
        var client = new Echo.EchoClient(channel);
        var headers = new Metadata();
        foreach (var (name, value) in c.Metadata ?? new Dictionary<string, string>())
        {
            headers.Add(name.ToLowerInvariant(), value);
        }

        var options = new CallOptions(headers, DateTime.UtcNow.AddSeconds(5));
        try
        {
            switch (c.Method)
            {
                case "Echo":
                    return (StatusCode.OK, (await client.UnaryAsync(new EchoRequest { Message = "m" }, options)).Server);
                case "EchoTwo":
                    using (var stream = client.ServerStream(new StreamRequest { Message = "m", Count = 1 }, options))
                    {
                        var replies = await stream.ResponseStream.ReadAllAsync().ToListAsync();
                        return (StatusCode.OK, replies.Single().Server);
                    }

                default:
                    using (var upload = client.ClientStream(options))
                    {
                        await upload.RequestStream.WriteAsync(new EchoRequest { Message = "m" });
                        await upload.RequestStream.CompleteAsync();
                        return (StatusCode.OK, (await upload).Server);
                    }
            }
        }
        catch (RpcException e)
        {
            return (e.StatusCode, null);
        }
    }

    /// <summary>Upstream's grpc.MakeRequestAndExpectEventuallyConsistentResponse over every case, all mismatches reported.</summary>
    private static async Task ExpectAsync(params GrpcCase[] cases)
    {
        var failures = new List<string>();
        foreach (var c in cases)
        {
            (StatusCode Code, string? Server) last = default;
            try
            {
                await TestKit.Wait.UntilAsync(async () =>
                {
                    last = await CallAsync(c);
                    return last.Code == c.Code && (c.Backend is null || last.Server == c.Backend);
                }, TimeSpan.FromSeconds(5), c.ToString());
            }
            catch (TimeoutException)
            {
                failures.Add($"{c}: {last.Code} from {last.Server ?? "no backend"}, expected {c.Code} from {c.Backend ?? "no backend"}");
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task GRPCExactMethodMatching()
    {
        Apply(Route("exact-matching", Method("Unary", "grpc-infra-backend-v1") + Method("ServerStream", "grpc-infra-backend-v2")));
        await RoutesAcceptedAsync("GRPCRoute", "same-namespace", "exact-matching");
        await ExpectAsync(GrpcCase.To("grpc-infra-backend-v1"), GrpcCase.To("grpc-infra-backend-v2", "EchoTwo"), GrpcCase.Unimplemented("EchoThree"));
    }

    [Test]
    public async Task GRPCRouteHeaderMatching()
    {
        static string Headers(string backend, params string[] matches) =>
            $"  - matches: [{string.Join(", ", matches.Select(m => "{headers: [" + m + "]}"))}]\n    backendRefs: [{{name: {backend}, port: 8080}}]\n";
        Apply(Route("grpc-header-matching",
            Headers("grpc-infra-backend-v1", "{name: version, value: one}") +
            Headers("grpc-infra-backend-v2", "{name: version, value: two}") +
            Headers("grpc-infra-backend-v1", "{name: version, value: two}, {name: color, value: orange}") +
            Headers("grpc-infra-backend-v1", "{name: color, value: blue}", "{name: color, value: green}") +
            Headers("grpc-infra-backend-v2", "{name: color, value: red}", "{name: color, value: yellow}")));
        await RoutesAcceptedAsync("GRPCRoute", "same-namespace", "grpc-header-matching");
        await ExpectAsync(
            GrpcCase.To("grpc-infra-backend-v1", metadata: H("Version", "one")), GrpcCase.To("grpc-infra-backend-v2", metadata: H("Version", "two")),
            GrpcCase.To("grpc-infra-backend-v1", metadata: H("Version", "two", "Color", "orange")),
            GrpcCase.To("grpc-infra-backend-v2", metadata: H("Version", "two", "Color", "blue")),
            GrpcCase.Unimplemented(metadata: H("Color", "orange")), GrpcCase.Unimplemented(metadata: H("Some-Other-Header", "one")),
            GrpcCase.To("grpc-infra-backend-v1", metadata: H("Color", "blue")), GrpcCase.To("grpc-infra-backend-v1", metadata: H("Color", "green")),
            GrpcCase.To("grpc-infra-backend-v2", metadata: H("Color", "red")), GrpcCase.To("grpc-infra-backend-v2", metadata: H("Color", "yellow")),
            GrpcCase.Unimplemented(metadata: H("Color", "purple")));
    }

    [Test]
    public async Task GRPCRouteListenerHostnameMatching()
    {
        const string gw = "grpcroute-listener-hostname-matching";
        string Section(params string[] sections) => "[" + string.Join(", ", sections.Select(s => $"{{name: {gw}, namespace: {Infra}, sectionName: {s}}}")) + "]";
        string Listener(int i, string host) => $"  - {{name: listener-{i}, port: 80, protocol: HTTP, hostname: \"{host}\", allowedRoutes: {{namespaces: {{from: Same}} }} }}";
        Apply($$"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: {{gw}}, namespace: {{Infra}}}
            spec:
              gatewayClassName: {{ConformanceEnvironment.GatewayClass}}
              listeners:
            {{Listener(1, "bar.com")}}
            {{Listener(2, "foo.bar.com")}}
            {{Listener(3, "*.bar.com")}}
            {{Listener(4, "*.foo.com")}}
            ---
            """ + "\n" + string.Join("\n---\n",
            Route("backend-v1", "  - backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]", Section("listener-1")),
            Route("backend-v2", "  - backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]", Section("listener-2")),
            Route("backend-v3", "  - backendRefs: [{name: grpc-infra-backend-v3, port: 8080}]", Section("listener-3", "listener-4"))));
        await RoutesAcceptedAsync("GRPCRoute", gw, "backend-v1", "backend-v2", "backend-v3");
        await ExpectAsync(
            GrpcCase.To("grpc-infra-backend-v1", authority: "bar.com"), GrpcCase.To("grpc-infra-backend-v2", authority: "foo.bar.com"),
            GrpcCase.To("grpc-infra-backend-v3", authority: "baz.bar.com"), GrpcCase.To("grpc-infra-backend-v3", authority: "boo.bar.com"),
            GrpcCase.To("grpc-infra-backend-v3", authority: "multiple.prefixes.bar.com"), GrpcCase.To("grpc-infra-backend-v3", authority: "multiple.prefixes.foo.com"),
            GrpcCase.Unimplemented(authority: "foo.com"), GrpcCase.Unimplemented(authority: "no.matching.host"));
    }

    [Test]
    public async Task GRPCRouteNamedRule()
    {
        Apply(Route("grpc-named-rules", Method("Unary", "grpc-infra-backend-v1").Replace("  - matches", "  - name: named-rule\n    matches") +
            Method("ServerStream", "grpc-infra-backend-v2")));
        await RoutesAcceptedAsync("GRPCRoute", "same-namespace", "grpc-named-rules");
        await ExpectAsync(GrpcCase.To("grpc-infra-backend-v1"), GrpcCase.To("grpc-infra-backend-v2", "EchoTwo"));
    }

    [Test]
    public async Task GRPCRouteWeight()
    {
        Apply(Route("weighted-backends", "  - backendRefs: [{name: grpc-infra-backend-v1, port: 8080, weight: 70}, {name: grpc-infra-backend-v2, port: 8080, weight: 30}, " +
            "{name: grpc-infra-backend-v3, port: 8080, weight: 0}]\n"));
        await RoutesAcceptedAsync("GRPCRoute", "same-namespace", "weighted-backends");
        await ExpectAsync(new GrpcCase("Echo", null));
        const int Calls = 500;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{Env.HttpPort}");
        var client = new Echo.EchoClient(channel);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Calls), new ParallelOptions { MaxDegreeOfParallelism = 10 }, async (_, _) =>
        {
            var reply = await client.UnaryAsync(new EchoRequest { Message = "w" }, deadline: DateTime.UtcNow.AddSeconds(5));
            seen.AddOrUpdate(reply.Server, 1, (_, n) => n + 1);
        });

        // Upstream's TestWeightedDistribution: only weighted backends answer, each within 5% of its share.
        Assert.That(seen.Keys, Is.EquivalentTo(new[] { "grpc-infra-backend-v1", "grpc-infra-backend-v2" }));
        Assert.That(seen["grpc-infra-backend-v1"] / (double)Calls, Is.InRange(0.7 - 0.05, 0.7 + 0.05));
        Assert.That(seen["grpc-infra-backend-v2"] / (double)Calls, Is.InRange(0.3 - 0.05, 0.3 + 0.05));
    }

    /// <summary>Sets the call's :authority (upstream's RequestMetadata.Authority).</summary>
    private sealed class AuthorityHandler(string? authority) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (authority is not null)
            {
                request.Headers.Host = authority;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
