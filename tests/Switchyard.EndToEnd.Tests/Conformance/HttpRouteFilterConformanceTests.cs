using static Switchyard.EndToEnd.Tests.Conformance.HttpRouteMatchingConformanceTests;

namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// Gateway API conformance (v1.4.1): HTTPRoute filters — request/response header modifiers, redirects, URL rewrites,
/// request mirrors — and backend weights. One test per upstream test, named by its ShortName.
/// </summary>
public sealed class HttpRouteFilterConformanceTests : ConformanceTest
{
    /// <summary>One rule: a PathPrefix match, the filters (YAML flow items) and one backend.</summary>
    private static string Rule(string prefix, string filters, string backend = "infra-backend-v1") =>
        $"  - matches: [{{path: {{type: PathPrefix, value: {prefix}}} }}]\n    filters: [{filters}]\n    backendRefs: [{{name: {backend}, port: 8080}}]\n";

    private static string Redirect(string prefix, string redirect) => Rule(prefix, $"{{type: RequestRedirect, requestRedirect: {{{redirect}}} }}");

    private static string RequestHeaders(string modifier) => $"{{type: RequestHeaderModifier, requestHeaderModifier: {{{modifier}}} }}";

    private static string ResponseHeaders(string modifier) => $"{{type: ResponseHeaderModifier, responseHeaderModifier: {{{modifier}}} }}";

    private static string Mirror(string backend, string extra = "") =>
        $"{{type: RequestMirror, requestMirror: {{backendRef: {{name: {backend}, namespace: {Infra}, port: 8080}}{extra}}} }}";

    /// <summary>The request header filter the "...-and-modify-headers" rules of upstream share.</summary>
    private static readonly string ModifyHeaders = RequestHeaders(
        "set: [{name: X-Header-Set, value: set-overwrites-values}], add: [{name: X-Header-Add, value: header-val-1}, {name: X-Header-Add-Append, value: header-val-2}], remove: [X-Header-Remove]");

    /// <summary>A case of a "...-and-modify-headers" rule: what is sent and what the backend must see.</summary>
    private static Case Modified(string path, string seenPath, string backend = "infra-backend-v1", string? host = null, string? seenHost = null, bool sendSet = false) =>
        Case.To(path, backend, host, sendSet
            ? H("X-Header-Remove", "remove-val", "X-Header-Add-Append", "append-val-1", "X-Header-Set", "set-val")
            : H("X-Header-Remove", "remove-val", "X-Header-Add-Append", "append-val-1")) with
        {
            Seen = new SeenRequest(seenPath, seenHost,
                Headers: H("X-Header-Add", "header-val-1", "X-Header-Add-Append", "append-val-1,header-val-2", "X-Header-Set", "set-overwrites-values"),
                AbsentHeaders: ["X-Header-Remove"]),
        };

    [Test]
    public async Task HTTPRouteRequestHeaderModifier()
    {
        Apply(Route("request-header-modifier",
            Rule("/set", RequestHeaders("set: [{name: X-Header-Set, value: set-overwrites-values}]")) +
            Rule("/add", RequestHeaders("add: [{name: X-Header-Add, value: add-appends-values}]")) +
            Rule("/remove", RequestHeaders("remove: [X-Header-Remove]")) +
            Rule("/multiple", RequestHeaders("set: [{name: X-Header-Set-1, value: header-set-1}, {name: X-Header-Set-2, value: header-set-2}], " +
                "add: [{name: X-Header-Add-1, value: header-add-1}, {name: X-Header-Add-2, value: header-add-2}, {name: X-Header-Add-3, value: header-add-3}], " +
                "remove: [X-Header-Remove-1, X-Header-Remove-2]")) +
            Rule("/case-insensitivity", RequestHeaders("set: [{name: X-Header-Set, value: header-set}], add: [{name: X-Header-Add, value: header-add}], remove: [X-Header-Remove]"))));
        await AcceptedAsync("same-namespace", "request-header-modifier");
        static Case Sees(string path, Dictionary<string, string> sent, Dictionary<string, string> seen, params string[] absent) =>
            Case.To(path, "infra-backend-v1", headers: sent) with { Seen = new SeenRequest(Headers: seen, AbsentHeaders: absent) };
        await ExpectAsync(
            Sees("/set", H("Some-Other-Header", "val"), H("Some-Other-Header", "val", "X-Header-Set", "set-overwrites-values")),
            Sees("/set", H("Some-Other-Header", "val", "X-Header-Set", "some-other-value"), H("Some-Other-Header", "val", "X-Header-Set", "set-overwrites-values")),
            Sees("/add", H("Some-Other-Header", "val"), H("Some-Other-Header", "val", "X-Header-Add", "add-appends-values")),
            Sees("/add", H("Some-Other-Header", "val", "X-Header-Add", "some-other-value"), H("Some-Other-Header", "val", "X-Header-Add", "some-other-value,add-appends-values")),
            Sees("/remove", H("X-Header-Remove", "val"), H(), "X-Header-Remove"),
            Sees("/multiple", H("X-Header-Set-2", "set-val-2", "X-Header-Add-2", "add-val-2", "X-Header-Remove-2", "remove-val-2", "Another-Header", "another-header-val"),
                H("X-Header-Set-1", "header-set-1", "X-Header-Set-2", "header-set-2", "X-Header-Add-1", "header-add-1", "X-Header-Add-2", "add-val-2,header-add-2",
                    "X-Header-Add-3", "header-add-3", "Another-Header", "another-header-val"), "X-Header-Remove-1", "X-Header-Remove-2"),
            Sees("/case-insensitivity", H("x-header-set", "original-val-set", "x-header-add", "original-val-add", "x-header-remove", "original-val-remove", "Another-Header", "another-header-val"),
                H("X-Header-Set", "header-set", "X-Header-Add", "original-val-add,header-add", "Another-Header", "another-header-val"), "x-header-remove", "X-Header-Remove"));
    }

    [Test]
    public async Task HTTPRouteResponseHeaderModifier()
    {
        Apply(Route("response-header-modifier",
            Rule("/set", ResponseHeaders("set: [{name: X-Header-Set, value: set-overwrites-values}]")) +
            Rule("/add", ResponseHeaders("add: [{name: X-Header-Add, value: add-appends-values}]")) +
            Rule("/remove", ResponseHeaders("remove: [X-Header-Remove]")) +
            Rule("/multiple", ResponseHeaders("set: [{name: X-Header-Set-1, value: header-set-1}, {name: X-Header-Set-2, value: header-set-2}], " +
                "add: [{name: X-Header-Add-1, value: header-add-1}, {name: X-Header-Add-2, value: header-add-2}, {name: X-Header-Add-3, value: header-add-3}], " +
                "remove: [X-Header-Remove-1, X-Header-Remove-2]")) +
            Rule("/case-insensitivity", ResponseHeaders("set: [{name: X-Header-Set, value: header-set}], add: [{name: X-Header-Add, value: header-add}, " +
                "{name: x-lowercase-add, value: lowercase-add}, {name: x-Mixedcase-ADD-1, value: mixedcase-add-1}, {name: X-mixeDcase-add-2, value: mixedcase-add-2}, " +
                "{name: X-UPPERCASE-ADD, value: uppercase-add}], remove: [X-Header-Remove]")) +
            Rule("/response-and-request-header-modifiers", ResponseHeaders("set: [{name: X-Header-Set-1, value: header-set-1}, {name: X-Header-Set-2, value: header-set-2}], " +
                "add: [{name: X-Header-Add-1, value: header-add-1}, {name: X-Header-Add-2, value: header-add-2}], remove: [X-Header-Remove-1, X-Header-Remove-2]") + ", " +
                RequestHeaders("set: [{name: X-Header-Set, value: set-overwrites-values}], add: [{name: X-Header-Add, value: header-val-1}, " +
                    "{name: X-Header-Add-Append, value: header-val-2}], remove: [X-Header-Remove]"))));
        await AcceptedAsync("same-namespace", "response-header-modifier");
        static Case Answers(string path, Dictionary<string, string> backendSets, Dictionary<string, string> response, params string[] absent) =>
            Case.To(path, "infra-backend-v1") with { BackendSetsHeaders = backendSets, ResponseHeaders = response, AbsentResponseHeaders = absent };
        await ExpectAsync(
            Answers("/set", H("Some-Other-Header", "val"), H("Some-Other-Header", "val", "X-Header-Set", "set-overwrites-values")),
            Answers("/set", H("Some-Other-Header", "val", "X-Header-Set", "some-other-value"), H("Some-Other-Header", "val", "X-Header-Set", "set-overwrites-values")),
            Answers("/add", H("Some-Other-Header", "val"), H("Some-Other-Header", "val", "X-Header-Add", "add-appends-values")),
            Answers("/add", H("Some-Other-Header", "val", "X-Header-Add", "some-other-value"), H("Some-Other-Header", "val", "X-Header-Add", "some-other-value,add-appends-values")),
            Answers("/remove", H("X-Header-Remove", "val"), H(), "X-Header-Remove"),
            Answers("/multiple", H("X-Header-Set-2", "set-val-2", "X-Header-Add-2", "add-val-2", "X-Header-Remove-2", "remove-val-2", "Another-Header", "another-header-val",
                    "X-Header-Remove-1", "val"),
                H("X-Header-Set-1", "header-set-1", "X-Header-Set-2", "header-set-2", "X-Header-Add-1", "header-add-1", "X-Header-Add-2", "add-val-2,header-add-2",
                    "X-Header-Add-3", "header-add-3", "Another-Header", "another-header-val"), "X-Header-Remove-1", "X-Header-Remove-2"),
            Answers("/case-insensitivity", H("x-header-set", "original-val-set", "x-header-add", "original-val-add", "x-header-remove", "original-val-remove",
                    "Another-Header", "another-header-val"),
                H("X-Header-Set", "header-set", "X-Header-Add", "original-val-add,header-add", "X-Lowercase-Add", "lowercase-add", "X-Mixedcase-Add-1", "mixedcase-add-1",
                    "X-Mixedcase-Add-2", "mixedcase-add-2", "X-Uppercase-Add", "uppercase-add", "Another-Header", "another-header-val"), "x-header-remove", "X-Header-Remove"),
            Answers("/response-and-request-header-modifiers", H("X-Header-Set-2", "set-val-2", "X-Header-Add-2", "add-val-2", "X-Header-Remove-2", "remove-val-2",
                    "Another-Header", "another-header-val", "X-Header-Remove-1", "remove-val-1", "X-Header-Echo", "echo"),
                H("X-Header-Set-1", "header-set-1", "X-Header-Set-2", "header-set-2", "X-Header-Add-1", "header-add-1", "X-Header-Add-2", "add-val-2,header-add-2",
                    "Another-Header", "another-header-val", "X-Header-Echo", "echo"), "X-Header-Remove-1", "X-Header-Remove-2") with
            {
                Request = new Req("/response-and-request-header-modifiers", Headers: H("X-Header-Remove", "remove-val", "X-Header-Add-Append", "append-val-1", "X-Header-Echo", "echo")),
                Seen = new SeenRequest(Headers: H("X-Header-Add", "header-val-1", "X-Header-Set", "set-overwrites-values", "X-Header-Add-Append", "append-val-1,header-val-2",
                    "X-Header-Echo", "echo"), AbsentHeaders: ["X-Header-Remove"]),
            });
    }

    [Test]
    public async Task HTTPRouteRedirectHostAndStatus()
    {
        Apply(Route("redirect-host-and-status", Redirect("/hostname-redirect", "hostname: example.org") + Redirect("/host-and-status", "statusCode: 301, hostname: example.org")));
        await AcceptedAsync("same-namespace", "redirect-host-and-status");
        await ExpectAsync(Case.Redirected("/hostname-redirect", 302, new(Host: "example.org")), Case.Redirected("/host-and-status", 301, new(Host: "example.org")));
    }

    [Test]
    public async Task HTTPRouteRedirectPath()
    {
        Apply(Route("redirect-path",
            Redirect("/original-prefix", "path: {type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix}") +
            Redirect("/full", "path: {type: ReplaceFullPath, replaceFullPath: /full-path-replacement}") +
            Redirect("/path-and-host", "hostname: example.org, path: {type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix}") +
            Redirect("/path-and-status", "path: {type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix}, statusCode: 301") +
            Redirect("/full-path-and-host", "hostname: example.org, path: {type: ReplaceFullPath, replaceFullPath: /replacement-full}") +
            Redirect("/full-path-and-status", "path: {type: ReplaceFullPath, replaceFullPath: /replacement-full}, statusCode: 301")));
        await AcceptedAsync("same-namespace", "redirect-path");
        await ExpectAsync(
            Case.Redirected("/original-prefix/lemon", 302, new(Path: "/replacement-prefix/lemon")),
            Case.Redirected("/full/path/original", 302, new(Path: "/full-path-replacement")),
            Case.Redirected("/path-and-host", 302, new(Host: "example.org", Path: "/replacement-prefix")),
            Case.Redirected("/path-and-status", 301, new(Path: "/replacement-prefix")),
            Case.Redirected("/full-path-and-host", 302, new(Host: "example.org", Path: "/replacement-full")),
            Case.Redirected("/full-path-and-status", 301, new(Path: "/replacement-full")));
    }

    [Test]
    public async Task HTTPRouteRedirectPort()
    {
        Apply(Route("redirect-port", Redirect("/port", "port: 8083") + Redirect("/port-and-host", "hostname: example.org, port: 8083") +
            Redirect("/port-and-status", "port: 8083, statusCode: 301") + Redirect("/port-and-host-and-status", "port: 8083, hostname: example.org, statusCode: 302")));
        await AcceptedAsync("same-namespace", "redirect-port");
        await ExpectAsync(
            Case.Redirected("/port", 302, new(Port: "8083")), Case.Redirected("/port-and-host", 302, new(Host: "example.org", Port: "8083")),
            Case.Redirected("/port-and-status", 301, new(Port: "8083")), Case.Redirected("/port-and-host-and-status", 302, new(Host: "example.org", Port: "8083")));
    }

    [Test]
    public async Task HTTPRouteRedirectScheme()
    {
        Apply(Route("redirect-scheme", Redirect("/scheme", "scheme: https") + Redirect("/scheme-and-host", "hostname: example.org, scheme: https") +
            Redirect("/scheme-and-status", "scheme: https, statusCode: 301") + Redirect("/scheme-and-host-and-status", "scheme: https, statusCode: 302, hostname: example.org")));
        await AcceptedAsync("same-namespace", "redirect-scheme");
        await ExpectAsync(
            Case.Redirected("/scheme", 302, new(Scheme: "https")), Case.Redirected("/scheme-and-host", 302, new(Scheme: "https", Host: "example.org")),
            Case.Redirected("/scheme-and-status", 301, new(Scheme: "https")), Case.Redirected("/scheme-and-host-and-status", 302, new(Scheme: "https", Host: "example.org")));
    }

    [Test]
    public async Task HTTPRouteRedirectPortAndScheme()
    {
        Apply($$"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: same-namespace-with-http-listener-on-8080, namespace: {{Infra}}}
            spec:
              gatewayClassName: {{ConformanceEnvironment.GatewayClass}}
              listeners: [{name: http, port: 8080, protocol: HTTP, allowedRoutes: {namespaces: {from: Same} } }]
            ---
            """ + "\n" +
            Route("http-route-for-listener-on-port-80",
                Redirect("/scheme-nil-and-port-nil", "hostname: example.org") + Redirect("/scheme-nil-and-port-80", "port: 80, hostname: example.org") +
                Redirect("/scheme-nil-and-port-8080", "port: 8080, hostname: example.org") + Redirect("/scheme-https-and-port-nil", "scheme: https, hostname: example.org") +
                Redirect("/scheme-https-and-port-443", "scheme: https, port: 443, hostname: example.org") +
                Redirect("/scheme-https-and-port-8443", "scheme: https, port: 8443, hostname: example.org")) + "\n---\n" +
            Route("http-route-for-listener-on-port-8080",
                Redirect("/scheme-nil-and-port-nil", "hostname: example.org") + Redirect("/scheme-nil-and-port-80", "port: 80, hostname: example.org") +
                Redirect("/scheme-https-and-port-nil", "scheme: https, hostname: example.org"), parent: "same-namespace-with-http-listener-on-8080") + "\n---\n" +
            Route("http-route-for-listener-on-port-443",
                Redirect("/scheme-nil-and-port-nil", "hostname: example.org") + Redirect("/scheme-nil-and-port-443", "port: 443, hostname: example.org") +
                Redirect("/scheme-nil-and-port-8443", "port: 8443, hostname: example.org") + Redirect("/scheme-http-and-port-nil", "scheme: http, hostname: example.org") +
                Redirect("/scheme-http-and-port-80", "scheme: http, port: 80, hostname: example.org") +
                Redirect("/scheme-http-and-port-8080", "scheme: http, port: 8080, hostname: example.org"), parent: "same-namespace-with-https-listener"));
        await AcceptedAsync("same-namespace", "http-route-for-listener-on-port-80");
        await AcceptedAsync("same-namespace-with-http-listener-on-8080", "http-route-for-listener-on-port-8080");
        await AcceptedAsync("same-namespace-with-https-listener", "http-route-for-listener-on-port-443");
        await ExpectAsync(
            Case.Redirected("/scheme-nil-and-port-nil", 302, new("http", "example.org")),
            Case.Redirected("/scheme-nil-and-port-80", 302, new("http", "example.org")),
            Case.Redirected("/scheme-nil-and-port-8080", 302, new("http", "example.org", "8080")),
            Case.Redirected("/scheme-https-and-port-nil", 302, new("https", "example.org")),
            Case.Redirected("/scheme-https-and-port-443", 302, new("https", "example.org")),
            Case.Redirected("/scheme-https-and-port-8443", 302, new("https", "example.org", "8443")));
        await ExpectAsync([
            Case.Redirected("/scheme-nil-and-port-nil", 302, new("http", "example.org", "8080")),
            Case.Redirected("/scheme-nil-and-port-80", 302, new("http", "example.org")),
            Case.Redirected("/scheme-https-and-port-nil", 302, new("https", "example.org")),
        ], Env.Http8080Port);
        using var tls = ConformanceClient.Tls("example.org", Env.Ca);
        await ExpectAsync([
            Case.Redirected("/scheme-nil-and-port-nil", 302, new("https", "example.org"), "example.org"),
            Case.Redirected("/scheme-nil-and-port-443", 302, new("https", "example.org"), "example.org"),
            Case.Redirected("/scheme-nil-and-port-8443", 302, new("https", "example.org", "8443"), "example.org"),
            Case.Redirected("/scheme-http-and-port-nil", 302, new("http", "example.org"), "example.org"),
            Case.Redirected("/scheme-http-and-port-80", 302, new("http", "example.org"), "example.org"),
            Case.Redirected("/scheme-http-and-port-8080", 302, new("http", "example.org", "8080"), "example.org"),
        ], Env.HttpsPort, "https", tls);
    }

    [Test]
    public async Task HTTPRouteRewriteHost()
    {
        Apply(Route("rewrite-host",
            Rule("/one", "{type: URLRewrite, urlRewrite: {hostname: one.example.org} }") +
            "  - filters: [{type: URLRewrite, urlRewrite: {hostname: example.org} }]\n    backendRefs: [{name: infra-backend-v2, port: 8080}]\n" +
            Rule("/rewrite-host-and-modify-headers", "{type: URLRewrite, urlRewrite: {hostname: test.example.org} }, " + ModifyHeaders, "infra-backend-v2"),
            hostnames: "[rewrite.example]"));
        await AcceptedAsync("same-namespace", "rewrite-host");
        await ExpectAsync(
            Case.To("/one", "infra-backend-v1", "rewrite.example") with { Seen = new SeenRequest(Host: "one.example.org") },
            Case.To("/two", "infra-backend-v2", "rewrite.example") with { Seen = new SeenRequest(Host: "example.org") },
            Modified("/rewrite-host-and-modify-headers", "/rewrite-host-and-modify-headers", "infra-backend-v2", "rewrite.example", "test.example.org"));
    }

    [Test]
    public async Task HTTPRouteRewritePath()
    {
        Apply(Route("rewrite-path",
            Rule("/prefix/one", "{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /one} } }") +
            Rule("/strip-prefix", "{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /} } }") +
            Rule("/full/one", "{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /one} } }") +
            Rule("/full/rewrite-path-and-modify-headers", "{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /test} } }, " + ModifyHeaders) +
            Rule("/prefix/rewrite-path-and-modify-headers", "{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /prefix} } }, " + ModifyHeaders)));
        await AcceptedAsync("same-namespace", "rewrite-path");
        await ExpectAsync(
            Case.To("/prefix/one/two", "infra-backend-v1") with { Seen = new SeenRequest("/one/two") },
            Case.To("/strip-prefix/three", "infra-backend-v1") with { Seen = new SeenRequest("/three") },
            Case.To("/strip-prefix", "infra-backend-v1") with { Seen = new SeenRequest("/") },
            Case.To("/full/one/two", "infra-backend-v1") with { Seen = new SeenRequest("/one") },
            Modified("/full/rewrite-path-and-modify-headers/test", "/test", sendSet: true),
            Modified("/prefix/rewrite-path-and-modify-headers/one", "/prefix/one", sendSet: true));
    }

    [Test]
    public async Task HTTPRouteRequestMirror()
    {
        Apply(Route("request-mirror", Rule("/mirror", Mirror("infra-backend-v2")) + Rule("/mirror-and-modify-headers", ModifyHeaders + ", " + Mirror("infra-backend-v2"))));
        await AcceptedAsync("same-namespace", "request-mirror");
        await ExpectAsync(
            Case.To("/mirror", "infra-backend-v1") with { MirroredTo = ["infra-backend-v2"] },
            Modified("/mirror-and-modify-headers", "/mirror-and-modify-headers") with { MirroredTo = ["infra-backend-v2"] });
    }

    [Test]
    public async Task HTTPRouteRequestMultipleMirrors()
    {
        Apply(Route("request-multiple-mirrors",
            Rule("/multi-mirror", Mirror("infra-backend-v2") + ", " + Mirror("infra-backend-v3")) +
            Rule("/multi-mirror-and-modify-request-headers", ModifyHeaders + ", " + Mirror("infra-backend-v2") + ", " + Mirror("infra-backend-v3"))));
        await AcceptedAsync("same-namespace", "request-multiple-mirrors");
        await ExpectAsync(
            Case.To("/multi-mirror", "infra-backend-v1") with { MirroredTo = ["infra-backend-v2", "infra-backend-v3"] },
            Modified("/multi-mirror-and-modify-request-headers", "/multi-mirror-and-modify-request-headers") with { MirroredTo = ["infra-backend-v2", "infra-backend-v3"] });
    }

    [Test]
    public async Task HTTPRouteRequestPercentageMirror()
    {
        Apply(Route("request-percentage-mirror",
            Rule("/percent-mirror", Mirror("infra-backend-v2", ", percent: 20")) +
            Rule("/percent-mirror-fraction", Mirror("infra-backend-v2", ", fraction: {numerator: 25, denominator: 50}")) +
            Rule("/percent-mirror-and-modify-headers", ModifyHeaders + ", " + Mirror("infra-backend-v2", ", percent: 35"))));
        await AcceptedAsync("same-namespace", "request-percentage-mirror");
        const int Requests = 500;
        foreach (var (path, percent) in new[] { ("/percent-mirror", 20), ("/percent-mirror-fraction", 50), ("/percent-mirror-and-modify-headers", 35) })
        {
            await ExpectAsync(Case.To(path, "infra-backend-v1"));
            var mirror = Env.Backends["infra-backend-v2"];
            var main = Env.Backends["infra-backend-v1"];
            int Mirrored() => mirror.Received.Count(r => r.Path == path);
            int Served() => main.Received.Count(r => r.Path == path);
            var (mirroredBefore, servedBefore) = (Mirrored(), Served());
            await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 10 }, async (_, _) =>
                Assert.That((await ConformanceClient.SendAsync(Env.HttpPort, new Req(path))).Status, Is.EqualTo(200)));

            // Mirrored copies are sent alongside the call: wait until the main backend saw all calls, then compare counts.
            await TestKit.Wait.UntilAsync(() => Served() - servedBefore >= Requests, ConformanceEnvironment.Timeout, "every call served");
            var expected = Requests * percent / 100.0;
            await TestKit.Wait.UntilAsync(() => Mirrored() - mirroredBefore >= expected * 0.85, ConformanceEnvironment.Timeout, () => $"{path}: at least 85% of {expected} mirrored (now {Mirrored() - mirroredBefore})");
            Assert.That(Mirrored() - mirroredBefore, Is.InRange(expected * 0.85, expected * 1.15), $"{path}: {percent}% of {Requests} mirrored (upstream's 15% tolerance)");
        }
    }

    [Test]
    public async Task HTTPRouteWeight()
    {
        Apply(Route("weighted-backends", "  - backendRefs: [{name: infra-backend-v1, port: 8080, weight: 70}, {name: infra-backend-v2, port: 8080, weight: 30}, " +
            "{name: infra-backend-v3, port: 8080, weight: 0}]\n"));
        await AcceptedAsync("same-namespace", "weighted-backends");
        await ExpectAsync(new Case(new Req("/"), 200));
        const int Requests = 500;
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 10 }, async (_, _) =>
        {
            var answer = await ConformanceClient.SendAsync(Env.HttpPort, new Req("/"));
            seen.AddOrUpdate(answer.Echo?.Pod ?? $"status {answer.Status}", 1, (_, n) => n + 1);
        });

        // Upstream's TestWeightedDistribution: only weighted backends answer, each within 5% of its share.
        Assert.That(seen.Keys, Is.EquivalentTo(new[] { "infra-backend-v1-pod", "infra-backend-v2-pod" }));
        Assert.That(seen["infra-backend-v1-pod"] / (double)Requests, Is.InRange(0.7 - 0.05, 0.7 + 0.05));
        Assert.That(seen["infra-backend-v2-pod"] / (double)Requests, Is.InRange(0.3 - 0.05, 0.3 + 0.05));
    }
}
