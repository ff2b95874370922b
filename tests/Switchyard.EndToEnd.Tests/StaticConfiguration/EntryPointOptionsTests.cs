using System.Net;
using Switchyard.Configuration;
using Switchyard.TestKit;

namespace Switchyard.EndToEnd.Tests.StaticConfiguration;

/// <summary>
/// entryPoints.NAME.asDefault and .http (redirections, middlewares, tls) in the built `switchyard run`, on real
/// sockets: Traefik's semantics (pkg/provider/traefik/internal.go, pkg/server/aggregator.go applyModel,
/// cmd/traefik/traefik.go getDefaultsEntrypoints, pkg/middlewares/redirect: 301/308 permanent, 302/307 not).
/// </summary>
[CancelAfter(120_000)]
public class EntryPointOptionsTests
{
    private const string Manifest = """
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata:
          name: tag
          namespace: default
        spec:
          headers:
            customResponseHeaders:
              X-Entry: websecure
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata:
          name: app
          namespace: default
        spec:
          routes:
            - kind: Rule
              match: Host(`app.test`)
              services:
                - name: noop@internal
                  kind: TraefikService
        """;

    [Test]
    public async Task Redirections_Middlewares_Tls_AndAsDefault_AreServedLikeTraefik()
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-entrypoints-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "manifests"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "manifests", "app.yaml"), Manifest);
            // Fixed ports: the redirection to websecure names its port.
            var (run, ports) = await SwitchyardProcess.StartOnFreePortsAsync(5, async p =>
            {
                var (webPort, tempPort, plainPort, websecurePort, adminPort) = (p[0], p[1], p[2], p[3], p[4]);
                await File.WriteAllTextAsync(Path.Combine(dir.FullName, "switchyard.yaml"), $"""
                    entryPoints:
                      web:
                        address: "127.0.0.1:{webPort}"
                        http:
                          redirections:
                            entryPoint:
                              to: websecure
                      temp:
                        address: "127.0.0.1:{tempPort}"
                        http:
                          redirections:
                            entryPoint:
                              to: ":9443"
                              permanent: false
                      plain:
                        address: "127.0.0.1:{plainPort}"
                      websecure:
                        address: "127.0.0.1:{websecurePort}"
                        asDefault: true
                        http:
                          middlewares: [default-tag@kubernetescrd]
                          tls: {"{}"}
                      admin:
                        address: "127.0.0.1:{adminPort}"
                        admin: true
                    providers:
                      file:
                        directory: manifests
                    """);
                return Path.Combine(dir.FullName, "switchyard.yaml");
            }, ["web", "temp", "plain", "websecure", "admin"]);
            var (web, temp, plain, websecure) = (ports[0], ports[1], ports[2], ports[3]);
            using var process = run.Process;
            var output = run.Output;
            try
            {
                using var handler = new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    // The entry point's generated default certificate: this test checks routing, not trust.
                    SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
                };
                using var client = new HttpClient(handler);

                // http.tls: the route has no tls and no entryPoints; asDefault puts it on websecure only, where the
                // entry point's TLS and middleware apply.
                using (var secure = await SendAsync(client, HttpMethod.Get, $"https://127.0.0.1:{websecure}/a"))
                {
                    Assert.That(secure.StatusCode, Is.EqualTo((HttpStatusCode)418), output.ToString());
                    Assert.That(secure.Headers.GetValues("X-Entry"), Is.EqualTo(new[] { "websecure" }), "the entry point's middleware ran");
                }

                using (var notDefault = await SendAsync(client, HttpMethod.Get, $"http://127.0.0.1:{plain}/a"))
                {
                    Assert.That(notDefault.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "plain is not asDefault: the route is not attached there");
                }

                // http.redirections: permanent (default) ⇒ 301 for GET, 308 otherwise; to websecure's port, scheme https.
                using (var get = await SendAsync(client, HttpMethod.Get, $"http://127.0.0.1:{web}/a/b?q=1"))
                {
                    Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.MovedPermanently));
                    Assert.That(get.Headers.Location?.ToString(), Is.EqualTo($"https://app.test:{websecure}/a/b?q=1"));
                }

                using (var post = await SendAsync(client, HttpMethod.Post, $"http://127.0.0.1:{web}/a"))
                {
                    Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.PermanentRedirect));
                }

                // Any host is redirected, routed or not (the catch-all router), and permanent: false ⇒ 302 / 307.
                using (var tempGet = await SendAsync(client, HttpMethod.Get, $"http://127.0.0.1:{temp}/x", host: "unknown.test"))
                {
                    Assert.That(tempGet.StatusCode, Is.EqualTo(HttpStatusCode.Found));
                    Assert.That(tempGet.Headers.Location?.ToString(), Is.EqualTo("https://unknown.test:9443/x"));
                }

                using (var tempPut = await SendAsync(client, HttpMethod.Put, $"http://127.0.0.1:{temp}/x"))
                {
                    Assert.That(tempPut.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));
                }
            }
            finally
            {
                await SwitchyardProcess.StopAsync(process);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public void AsDefault_ChoosesTheDefaultEntryPoints_ElseAllRoutedOnes()
    {
        var marked = Load("""
            entryPoints:
              web: {address: "127.0.0.1:0"}
              websecure: {address: "127.0.0.1:0", asDefault: true}
              admin: {address: "127.0.0.1:0", admin: true}
            """);
        var none = Load("""
            entryPoints:
              web: {address: "127.0.0.1:0"}
              websecure: {address: "127.0.0.1:0"}
              admin: {address: "127.0.0.1:0", admin: true}
            """);
        Assert.Multiple(() =>
        {
            Assert.That(marked.Provider.DefaultEntryPoints, Is.EqualTo(new[] { "websecure" }));
            Assert.That(none.Provider.DefaultEntryPoints, Is.EqualTo(new[] { "web", "websecure" }), "no asDefault: every routed entry point");
        });
    }

    [Test]
    public void HttpTls_MakesTheEntryPointTls_AndCarriesItsDefaults()
    {
        var loaded = Load("""
            entryPoints:
              websecure:
                address: "127.0.0.1:0"
                http:
                  maxHeaderBytes: 8192
                  tls:
                    options: default-modern
                    certResolver: le
                    domains: [{main: example.com, sans: [www.example.com]}]
            certificatesResolvers:
              le:
                acme:
                  tlsChallenge: {}
            """);
        var model = loaded.Provider.EntryPointModels["websecure"];
        Assert.Multiple(() =>
        {
            Assert.That(loaded.EntryPoints.Single().Tls, Is.True);
            Assert.That(loaded.EntryPoints.Single().MaxHeaderBytes, Is.EqualTo(8192));
            Assert.That(model.Tls!.Options, Is.EqualTo("default-modern"));
            Assert.That(model.Tls.CertResolver, Is.EqualTo("le"));
            Assert.That(model.Tls.Domains.Single().Sans, Is.EqualTo(new[] { "www.example.com" }));
        });
    }

    [TestCase("to: nowhere", "entryPoints.web.http.redirections.entryPoint.to: 'nowhere' is not a routed entry point")]
    [TestCase("to: admin", "entryPoints.web.http.redirections.entryPoint.to: 'admin' is not a routed entry point")]
    [TestCase("scheme: https", "entryPoints.web.http.redirections.entryPoint.to: name the entry point")]
    public void ABadRedirection_IsAnErrorNamingTheKey(string entry, string expected)
    {
        var ex = Assert.Throws<StaticConfigException>(() => Load($$"""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                http:
                  redirections:
                    entryPoint: {{{entry}}}
              admin: {address: "127.0.0.1:0", admin: true}
            """));
        Assert.That(ex!.Message, Does.Contain(expected));
    }

    [Test]
    public void AnUnknownCertResolver_AndHttpOnAdmin_AreErrors()
    {
        var resolver = Assert.Throws<StaticConfigException>(() => Load("""
            entryPoints:
              websecure: {address: "127.0.0.1:0", http: {tls: {certResolver: nope}}}
            """));
        var admin = Assert.Throws<StaticConfigException>(() => Load("""
            entryPoints:
              admin: {address: "127.0.0.1:0", admin: true, http: {middlewares: [default-a]}}
            """));
        Assert.Multiple(() =>
        {
            Assert.That(resolver!.Message, Does.Contain("entryPoints.websecure.http.tls.certResolver: 'nope'"));
            Assert.That(admin!.Message, Does.Contain("entryPoints.admin.http"));
        });
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string host = "app.test")
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Host = host;
        return await client.SendAsync(request);
    }

    private static LoadedStaticConfig Load(string yaml) => StaticConfigMetricsTests.Load(yaml);
}
