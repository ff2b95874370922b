using System.Text.RegularExpressions;

namespace Switchyard.EndToEnd.Tests.Cli;

/// <summary>`switchyard validate` and `switchyard explain`, run as the built executable on real manifest files.</summary>
public class ValidateAndExplainTests
{
    private const string Backend = """
        apiVersion: v1
        kind: Service
        metadata:
          name: app
          namespace: default
        spec:
          ports:
            - name: grpc
              port: 5000
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: app-a
          namespace: default
          labels:
            kubernetes.io/service-name: app
        addressType: IPv4
        ports:
          - name: grpc
            port: 5000
        endpoints:
          - addresses: ["127.0.0.1"]
        """;

    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("switchyard-cli-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ValidateSeedManifestsExitsZero(CancellationToken ct)
    {
        var r = await SwitchyardCli.RunAsync(ct, "validate", "config/manifests");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stdout, Does.Match(@"(?m)^0 errors, 0 warnings: 3 routers from \d+ objects in \d+ files$"), r.ToString());
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task SchemaTypoIsAnErrorNamingTheFieldAndRefusesTheRoute(CancellationToken ct)
    {
        var file = Write("app.yaml", Backend + """

            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata:
              name: app
              namespace: default
            spec:
              routes:
                - match: Host(`app.example.com`)
                  kind: Rule
                  services:
                    - name: app
                      port: grpc
                      schema: h2c
            """);
        var r = await SwitchyardCli.RunAsync(ct, "validate", file);

        // issue 13.3: kubectl apply --validate=strict refuses this object; so do validate (exit 1) and run (not served).
        Assert.That(r.ExitCode, Is.EqualTo(1), "an unknown field fails validate\n" + r);
        var line = r.Stdout.Split('\n').SingleOrDefault(l => l.Contains("error SY002", StringComparison.Ordinal));
        Assert.That(line, Is.Not.Null, r.ToString());
        Assert.That(line, Does.Match(@"^.*app\.yaml:\d+:\d+: error SY002: unknown field ""spec\.routes\[0\]\.services\[0\]\.schema"" \(did you mean ""scheme""\?\)"),
            "file:line:col: error SY002: … naming the field path and the hint");
        var lineNumber = int.Parse(Regex.Match(line!, @"app\.yaml:(\d+):").Groups[1].Value);
        Assert.That(File.ReadAllLines(file)[lineNumber - 1], Does.Contain("schema: h2c"), "the location points at the misspelled field");
        Assert.That(r.Stdout, Does.Contain("1 error, 0 warnings: 0 routers"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task MisspeltTraefikKindIsAWarningNamingTheClosestKind(CancellationToken ct)
    {
        var file = Write("app.yaml", Backend + """

            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngresRoute
            metadata:
              name: app
            spec:
              routes:
                - match: Host(`app.example.com`)
                  services: [{name: app, port: grpc}]
            """);
        var r = await SwitchyardCli.RunAsync(ct, "validate", file);

        Assert.That(r.ExitCode, Is.EqualTo(0), "a warning does not fail validate\n" + r);
        Assert.That(r.Stdout, Does.Match(@"app\.yaml:\d+:\d+: warning SY003: .*IngresRoute.*did you mean ""IngressRoute""\?"), r.ToString());
        Assert.That(r.Stdout, Does.Contain("0 errors, 1 warning: 0 routers"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ValidateWithConfigChecksEntryPointsAndCertResolversAndReadsTheConfiguredFolder(CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "manifests"));
        Write(Path.Combine("manifests", "app.yaml"), Backend + """

            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata:
              name: app
            spec:
              entryPoints: [web, webs]
              routes:
                - match: Host(`app.example.com`)
                  services: [{name: app, port: grpc}]
              tls:
                certResolver: letsencrypt
            """);
        var config = Write("switchyard.yaml", """
            entryPoints:
              web: {address: "127.0.0.1:0"}
              websecure: {address: "127.0.0.1:0", tls: {}}
            providers:
              file: {directory: manifests}
            """);

        var withConfig = await SwitchyardCli.RunAsync(ct, "validate", "--config", config);
        Assert.Multiple(() =>
        {
            Assert.That(withConfig.ExitCode, Is.EqualTo(1), withConfig.ToString());
            Assert.That(withConfig.Stdout, Does.Match(@"app\.yaml:\d+:\d+: warning SY110: entry point 'webs' is not defined"), withConfig.ToString());
            Assert.That(withConfig.Stdout, Does.Match(@"error SY701: .*certResolver 'letsencrypt'"), withConfig.ToString());
        });

        // Without --config, nothing is known about entry points and resolvers: no finding about them.
        var without = await SwitchyardCli.RunAsync(ct, "validate", Path.Combine(_dir, "manifests"));
        Assert.That(without.ExitCode, Is.EqualTo(0), without.ToString());
        Assert.That(without.Stdout, Does.Not.Contain("SY110").And.Not.Contain("SY701"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ValidateWithConfigAppliesTheFolderBoundsOfProvidersFile(CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "manifests"));
        Write(Path.Combine("manifests", "a.yaml"), Backend);
        Write(Path.Combine("manifests", "b.yaml"), Backend.Replace("name: app", "name: other"));
        var bounded = Write("bounded.yaml", """
            entryPoints:
              web: {address: "127.0.0.1:0"}
            providers:
              file: {directory: manifests, maxFiles: 1}
            """);
        var zero = Write("zero.yaml", """
            entryPoints:
              web: {address: "127.0.0.1:0"}
            providers:
              file: {directory: manifests, maxTotalBytes: 0}
            """);

        var capped = await SwitchyardCli.RunAsync(ct, "validate", "--config", bounded);
        var refused = await SwitchyardCli.RunAsync(ct, "validate", "--config", zero);
        // The default bounds read both files.
        var unbounded = await SwitchyardCli.RunAsync(ct, "validate", Path.Combine(_dir, "manifests"));

        Assert.Multiple(() =>
        {
            Assert.That(capped.ExitCode, Is.EqualTo(1), capped.ToString());
            Assert.That(capped.Stdout, Does.Match(@"error SY010: .*more than 1 manifest files; .*b\.yaml"), capped.ToString());
            Assert.That(refused.ExitCode, Is.EqualTo(2), refused.ToString());
            Assert.That(refused.Stderr, Does.Contain("providers.file.maxTotalBytes: must be greater than 0"), refused.ToString());
            Assert.That(unbounded.ExitCode, Is.EqualTo(0), unbounded.ToString());
            Assert.That(unbounded.Stdout, Does.Not.Contain("SY010"), unbounded.ToString());
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task MissingMiddlewareIsAnErrorNamingItAndTheOtherRoutesStillCompile(CancellationToken ct)
    {
        var file = Write("app.yaml", Backend + """

            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata:
              name: app
              namespace: default
            spec:
              entryPoints: [web]
              routes:
                - match: Host(`a.example.com`)
                  kind: Rule
                  middlewares:
                    - name: ghost-limiter
                  services:
                    - name: app
                      port: grpc
                - match: Host(`b.example.com`)
                  kind: Rule
                  services:
                    - name: app
                      port: grpc
                      scheme: h2c
            """);
        var validate = await SwitchyardCli.RunAsync(ct, "validate", file);

        Assert.That(validate.ExitCode, Is.EqualTo(1), validate.ToString());
        Assert.That(validate.Stdout, Does.Match(@"(?m)^.*app\.yaml:\d+:\d+: error SY104: Middleware default/ghost-limiter not found"), validate.ToString());
        Assert.That(validate.Stdout, Does.Contain("1 error, 0 warnings: 1 router"), validate.ToString());

        var servedRoute = await SwitchyardCli.RunAsync(ct, "explain", "--host", "b.example.com", "--path", "/x", file);
        Assert.That(servedRoute.ExitCode, Is.EqualTo(0), servedRoute.ToString());
        Assert.That(servedRoute.Stdout, Does.Contain("router: default-app-").And.Contain("h2c://127.0.0.1:5000"), servedRoute.ToString());

        var brokenRoute = await SwitchyardCli.RunAsync(ct, "explain", "--host", "a.example.com", "--path", "/x", file);
        Assert.That(brokenRoute.ExitCode, Is.EqualTo(1), "the route with the missing middleware is not served\n" + brokenRoute);
        Assert.That(brokenRoute.Stdout, Does.Contain("no router matches"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ExplainSeedGrpcCallNamesTheUserServiceRouterAndItsServiceTree(CancellationToken ct)
    {
        var r = await SwitchyardCli.RunAsync(ct, "explain", "--host", "grpc.localhost", "--path", "/mypackage.UserService/GetUser",
            "--method", "POST", "--entrypoint", "web", "config/manifests");

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stdout, Does.Match(@"(?m)^router: default-user-service-[0-9a-f]{20} \(priority \d+\)$"), r.ToString());
        Assert.That(r.Stdout, Does.Contain("rule: Host(`grpc.localhost`) && PathPrefix(`/mypackage.UserService`)"));
        Assert.That(r.Stdout, Does.Contain("1. default-user-grpcweb (grpcWeb)").And.Contain("2. default-user-ratelimit (rateLimit)").And.Contain("3. default-user-headers (headers)"));
        Assert.That(r.Stdout, Does.Contain("weight 80 (80%) → default-user-v1-grpc").And.Contain("weight 20 (20%) → default-user-v2-grpc"));
        Assert.That(r.Stdout, Does.Contain("h2c://127.0.0.1:50051").And.Contain("h2c://127.0.0.1:50052"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ExplainPerMethodRouteWinsOverThePrefixRoute(CancellationToken ct)
    {
        var r = await SwitchyardCli.RunAsync(ct, "explain", "--host", "grpc.localhost", "--path", "/mypackage.UserService/CreateUser",
            "--method", "POST", "config/manifests");

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stdout, Does.Contain("rule: Host(`grpc.localhost`) && Path(`/mypackage.UserService/CreateUser`)"), r.ToString());
        Assert.That(r.Stdout, Does.Contain("default-user-create-ratelimit (rateLimit)"));
        Assert.That(r.Stdout, Does.Match(@"also matched[^\n]*\n  default-user-service-[0-9a-f]{20} \(priority \d+\) Host\(`grpc.localhost`\) && PathPrefix"), r.ToString());
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ExplainShowsTheForwardedHeadersTheBackendReceives(CancellationToken ct)
    {
        var r = await SwitchyardCli.RunAsync(ct, "explain", "--host", "grpc.localhost", "--path", "/mypackage.UserService/CreateUser",
            "--method", "POST", "config/manifests");

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stdout, Does.Contain("X-Forwarded-Proto: https  (set by default-user-headers)"), r.ToString());
        Assert.That(r.Stdout, Does.Contain("X-Forwarded-For: 127.0.0.1  (set by forwarder)"), r.ToString());
        Assert.That(r.Stdout, Does.Contain("X-Forwarded-Host: grpc.localhost  (set by entry point)"), r.ToString());
        Assert.That(r.Stdout, Does.Match(@"instance default-user-create-ratelimit@default-user-service-[0-9a-f]{20}: state of its own"), r.ToString());
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ExplainHostWildcardMatchesOneLabel(CancellationToken ct)
    {
        var manifest = Path.Combine(_dir, "wild.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: v1
            kind: Service
            metadata: {name: whoami, namespace: default}
            spec:
              ports: [{name: http, port: 80}]
              externalName: whoami.example.net
              type: ExternalName
            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata: {name: wild, namespace: default}
            spec:
              routes:
                - kind: Rule
                  match: Host(`*.example.com`)
                  services: [{name: whoami, port: http}]
            """, ct);

        var one = await SwitchyardCli.RunAsync(ct, "explain", "--allow-external-name-services", "--host", "a.example.com", "--path", "/", manifest);
        var two = await SwitchyardCli.RunAsync(ct, "explain", "--allow-external-name-services", "--host", "a.b.example.com", "--path", "/", manifest);

        Assert.That(one.ExitCode, Is.EqualTo(0), one.ToString());
        Assert.That(one.Stdout, Does.Contain("rule: Host(`*.example.com`)"));
        Assert.That(two.ExitCode, Is.EqualTo(1), two.ToString());
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ExplainNamesTheLenientCasesAppliedToTheWinningRouter(CancellationToken ct)
    {
        // Traefik serves a route whose tls.secretName is missing with the default certificate, and a ServersTransport
        // skips a rootCAs entry naming both a Secret and a ConfigMap: explain says both for the router that uses them.
        var manifest = Path.Combine(_dir, "lenient.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: v1
            kind: Service
            metadata: {name: whoami, namespace: default}
            spec:
              ports: [{name: https, port: 443}]
              externalName: whoami.example.net
              type: ExternalName
            ---
            apiVersion: traefik.io/v1alpha1
            kind: ServersTransport
            metadata: {name: lenient, namespace: default}
            spec:
              rootCAs: [{secret: a, configMap: b}]
            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata: {name: app, namespace: default}
            spec:
              routes:
                - kind: Rule
                  match: Host(`app.example.com`)
                  services: [{name: whoami, port: https, serversTransport: lenient}]
              tls: {secretName: missing}
            """, ct);

        var r = await SwitchyardCli.RunAsync(ct, "explain", "--allow-external-name-services", "--tls", "--host", "app.example.com", "--path", "/", manifest);

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stdout, Does.Contain("applied with warnings"), r.ToString());
        Assert.That(r.Stdout, Does.Contain("IngressRoute default/app spec.tls.secretName").And.Contain("default certificate"), r.ToString());
        Assert.That(r.Stdout, Does.Contain("ServersTransport default/lenient spec.rootCAs[0]").And.Contain("both a Secret and a ConfigMap"), r.ToString());
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ExplainWithoutMatchExitsOneAndMissingPathExitsTwo(CancellationToken ct)
    {
        var none = await SwitchyardCli.RunAsync(ct, "explain", "--host", "nowhere.example.com", "--path", "/", "config/manifests");
        Assert.That(none.ExitCode, Is.EqualTo(1), none.ToString());
        Assert.That(none.Stdout, Does.Contain("no router matches"));

        var missing = await SwitchyardCli.RunAsync(ct, "validate", Path.Combine(_dir, "does-not-exist"));
        Assert.That(missing.ExitCode, Is.EqualTo(2), missing.ToString());
        Assert.That(missing.Stderr, Does.Contain("no such file or folder"));
    }
}
