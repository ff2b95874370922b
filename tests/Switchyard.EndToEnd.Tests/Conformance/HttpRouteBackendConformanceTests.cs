using System.Net;
using System.Net.WebSockets;
using System.Text;
using static Switchyard.EndToEnd.Tests.Conformance.HttpRouteMatchingConformanceTests;

namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// Gateway API conformance (v1.4.1): named rules, backend protocols (h2c, WebSocket), rule timeouts and backendRef
/// filters. One test per upstream test, named by its ShortName.
/// </summary>
public sealed class HttpRouteBackendConformanceTests : ConformanceTest
{
    [Test]
    public async Task HTTPRouteNamedRule()
    {
        Apply(Route("http-named-rules",
            "  - name: named-rule\n    matches: [{path: {type: PathPrefix, value: /named} }]\n    backendRefs: [{name: infra-backend-v1, port: 8080}]\n" +
            "  - matches: [{path: {type: PathPrefix, value: /unnamed} }]\n    backendRefs: [{name: infra-backend-v2, port: 8080}]\n"));
        await AcceptedAsync("same-namespace", "http-named-rules");
        await ExpectAsync(Case.To("/named", "infra-backend-v1"), Case.To("/unnamed", "infra-backend-v2"));
    }

    [Test]
    public async Task HTTPRouteBackendProtocolH2C()
    {
        // Port 8081 of infra-backend-v1 has appProtocol kubernetes.io/h2c; the client speaks HTTP/2 with prior knowledge.
        Apply(Route("backend-protocol-h2c", "  - backendRefs: [{name: infra-backend-v1, port: 8081}]\n"));
        await RouteConditionAsync("HTTPRoute", Infra, "backend-protocol-h2c", "same-namespace", "Accepted", "True/Accepted");
        using var h2c = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        await ExpectAsync([Case.To("/", "infra-backend-v1")], client: h2c);
        var answer = await h2c.GetAsync(new Uri($"http://127.0.0.1:{Env.HttpPort}/"));
        Assert.That(answer.Version, Is.EqualTo(HttpVersion.Version20), "the call reached the gateway over h2c");
        Assert.That(Env.Backends["infra-backend-v1"].Received.Last().Protocol, Is.EqualTo("HTTP/2"), "the backend was reached on its h2c port");
    }

    [Test]
    public async Task HTTPRouteBackendProtocolWebSocket()
    {
        // Port 8082 of infra-backend-v1 has appProtocol kubernetes.io/ws.
        Apply(Route("backend-protocol-ws", "  - backendRefs: [{name: infra-backend-v1, port: 8082}]\n"));
        await RouteConditionAsync("HTTPRoute", Infra, "backend-protocol-ws", "same-namespace", "Accepted", "True/Accepted");
        using var ws = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{Env.HttpPort}/ws"), timeout.Token);
        var buffer = new byte[64];
        var text = Encoding.UTF8.GetBytes("Websocket Support!");
        await ws.SendAsync(text, WebSocketMessageType.Text, true, timeout.Token);
        var reply = await ws.ReceiveAsync(buffer, timeout.Token);
        Assert.That(Encoding.UTF8.GetString(buffer, 0, reply.Count), Is.EqualTo("Websocket Support!"));
        byte[] binary = [1, 2, 3, 4, 5, 6, 7];
        await ws.SendAsync(binary, WebSocketMessageType.Binary, true, timeout.Token);
        reply = await ws.ReceiveAsync(buffer, timeout.Token);
        Assert.That((reply.MessageType, buffer[..reply.Count]), Is.EqualTo((WebSocketMessageType.Binary, binary)));
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    [Test]
    public async Task HTTPRouteTimeoutRequest()
    {
        Apply(Route("request-timeout",
            "  - matches: [{path: {type: PathPrefix, value: /request-timeout} }]\n    backendRefs: [{name: infra-backend-v1, port: 8080}]\n    timeouts: {request: 500ms}\n" +
            "  - matches: [{path: {type: PathPrefix, value: /disable-request-timeout} }]\n    backendRefs: [{name: infra-backend-v1, port: 8080}]\n    timeouts: {request: 0s}\n"));
        await AcceptedAsync("same-namespace", "request-timeout");
        await ExpectAsync(Case.To("/request-timeout", "infra-backend-v1"), new Case(new Req("/request-timeout?delay=1s"), 504),
            Case.To("/disable-request-timeout?delay=1s", "infra-backend-v1"));
    }

    [Test]
    public async Task HTTPRouteTimeoutBackendRequest()
    {
        Apply(Route("backend-request-timeout",
            "  - matches: [{path: {type: PathPrefix, value: /backend-timeout} }]\n    backendRefs: [{name: infra-backend-v1, port: 8080}]\n    timeouts: {backendRequest: 500ms}\n" +
            "  - matches: [{path: {type: PathPrefix, value: /disable-backend-timeout} }]\n    backendRefs: [{name: infra-backend-v1, port: 8080}]\n    timeouts: {backendRequest: 0s}\n"));
        await AcceptedAsync("same-namespace", "backend-request-timeout");
        await ExpectAsync(Case.To("/backend-timeout", "infra-backend-v1"), new Case(new Req("/backend-timeout?delay=1s"), 504),
            Case.To("/disable-backend-timeout?delay=1s", "infra-backend-v1"));
    }

    [Test]
    public async Task HTTPRouteRequestHeaderModifierBackendWeights()
    {
        Apply(Route("request-header-modifier-backend-weights", "  - backendRefs:\n" +
            "    - {name: infra-backend-v1, port: 8080, weight: 10, filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: Backend, value: infra-backend-v1}]} }]}\n" +
            "    - {name: infra-backend-v2, port: 8080, weight: 10, filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: Backend, value: infra-backend-v2}]} }]}\n"));
        await AcceptedAsync("same-namespace", "request-header-modifier-backend-weights");
        for (var i = 0; i < 100; i++)
        {
            var answer = await ConformanceClient.SendAsync(Env.HttpPort, new Req("/"));
            Assert.That(answer.Echo?.Pod, Does.StartWith(answer.Echo?.Header("Backend") ?? "(no Backend header)"));
        }
    }

    [Test]
    public async Task HTTPRouteBackendRequestHeaderModifier()
    {
        Apply(Route("backend-request-header-modifier", "  - matches: [{path: {type: PathPrefix, value: /set} }]\n    backendRefs:\n" +
            "    - {name: infra-backend-v1, port: 8080, filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Header-Set, value: set-overwrites-values}]} }]}\n"));
        await AcceptedAsync("same-namespace", "backend-request-header-modifier");
        await ExpectAsync(Case.To("/set", "infra-backend-v1", headers: H("X-Header-Set", "some-other-value")) with
        {
            Seen = new SeenRequest(Headers: H("X-Header-Set", "set-overwrites-values")),
        });
    }
}
