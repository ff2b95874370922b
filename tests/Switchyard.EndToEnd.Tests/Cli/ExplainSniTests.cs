namespace Switchyard.EndToEnd.Tests.Cli;

/// <summary>`switchyard explain --sni NAME` and `explain --config`, run as the built executable on real manifest files.</summary>
public class ExplainSniTests
{
    private const string Manifests = """
        apiVersion: v1
        kind: Service
        metadata:
          name: db
          namespace: default
        spec:
          ports:
            - name: pg
              port: 5432
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: db-a
          namespace: default
          labels:
            kubernetes.io/service-name: db
        addressType: IPv4
        ports:
          - name: pg
            port: 5432
        endpoints:
          - addresses: ["10.0.0.7"]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRouteTCP
        metadata:
          name: db
          namespace: default
        spec:
          entryPoints: [websecure]
          routes:
            - match: HostSNI(`db.example.com`)
              services:
                - name: db
                  port: pg
          tls:
            passthrough: true
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata:
          name: web
          namespace: default
        spec:
          routes:
            - match: Host(`www.example.com`)
              services:
                - name: noop@internal
                  kind: TraefikService
        """;

    private const string Config = """
        entryPoints:
          web:
            address: ":8000"
            http:
              redirections:
                entryPoint:
                  to: websecure
          websecure:
            address: ":8443"
            http:
              tls: {}
        providers:
          file:
            directory: manifests
        """;

    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("switchyard-sni-").FullName;
        Directory.CreateDirectory(Path.Combine(_dir, "manifests"));
        File.WriteAllText(Path.Combine(_dir, "manifests", "routes.yaml"), Manifests);
        File.WriteAllText(Path.Combine(_dir, "switchyard.yaml"), Config);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    [CancelAfter(60_000)]
    public async Task ASniClaimedByATcpRoute_NamesTheTcpRouterAndItsServers(CancellationToken ct)
    {
        var r = await SwitchyardCli.RunAsync(ct, "explain", "--config", Path.Combine(_dir, "switchyard.yaml"), "--sni", "DB.example.com.", "--entrypoint", "websecure");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stdout, Does.Contain("SNI db.example.com"), "canonical SNI, as the ClientHello is matched");
        Assert.That(r.Stdout, Does.Match(@"tcp router: default-db-[0-9a-f]+ \(priority \d+\)"), r.ToString());
        Assert.That(r.Stdout, Does.Contain("from: IngressRouteTCP default/db spec.routes[0]"));
        Assert.That(r.Stdout, Does.Contain("tls: passthrough"));
        Assert.That(r.Stdout, Does.Contain("10.0.0.7:5432"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task AnUnclaimedSni_FallsToHttps_OnAnEntryPointWithHttpTls(CancellationToken ct)
    {
        var r = await SwitchyardCli.RunAsync(ct, "explain", "--config", Path.Combine(_dir, "switchyard.yaml"), "--sni", "www.example.com", "--entrypoint", "websecure");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Stdout, Does.Contain("no TCP router claims it: the connection goes on to HTTPS (1 HTTP router(s) with tls"), r.ToString());
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ExplainWithConfig_ShowsTheEntryPointRedirect_AndTheDefaultTls(CancellationToken ct)
    {
        var config = Path.Combine(_dir, "switchyard.yaml");
        var redirect = await SwitchyardCli.RunAsync(ct, "explain", "--config", config, "--host", "www.example.com", "--entrypoint", "web");
        Assert.That(redirect.ExitCode, Is.EqualTo(0), redirect.ToString());
        Assert.That(redirect.Stdout, Does.Contain("router: web-to-websecure@internal"), redirect.ToString());
        Assert.That(redirect.Stdout, Does.Contain("from: the static config, entryPoints.web.http.redirections"));
        Assert.That(redirect.Stdout, Does.Contain("redirect-web-to-websecure@internal"));

        var secure = await SwitchyardCli.RunAsync(ct, "explain", "--config", config, "--host", "www.example.com", "--entrypoint", "websecure", "--tls");
        Assert.That(secure.ExitCode, Is.EqualTo(0), secure.ToString());
        Assert.That(secure.Stdout, Does.Match(@"router: websecure-default-web-[0-9a-f]+"), "the copy on the entry point with a model is renamed, as Traefik");
        Assert.That(secure.Stdout, Does.Contain("tls: options default"), "the entry point's http.tls made the router a TLS router");

        var validate = await SwitchyardCli.RunAsync(ct, "validate", "--config", config);
        Assert.That(validate.ExitCode, Is.EqualTo(0), validate.ToString());
        Assert.That(validate.Stdout, Does.Contain("0 errors, 0 warnings: 3 routers"), "the redirect router and the route's copies on web and websecure");
    }
}
