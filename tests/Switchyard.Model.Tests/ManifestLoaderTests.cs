using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;

namespace Switchyard.Model.Tests;

[CancelAfter(20_000)]
public class ManifestLoaderTests
{
    private static Diagnostic Single(ClusterSnapshot s, string code) =>
        s.LoadDiagnostics.Single(d => d.Code == code);

    [TestCase("traefik.io/v1alpha1")]
    [TestCase("traefik.containo.us/v1alpha1")]
    public void Reads_every_traefik_kind_of_both_groups(string apiVersion)
    {
        var yaml = $"""
            apiVersion: {apiVersion}
            kind: IngressRoute
            metadata: {"{"}name: r, namespace: apps{"}"}
            spec:
              routes:
                - match: Host(`a`)
                  services: [{"{"}name: svc, port: 80{"}"}]
            ---
            apiVersion: {apiVersion}
            kind: Middleware
            metadata: {"{"}name: m{"}"}
            spec: {"{"}rateLimit: {"{"}average: 100, burst: 50, sourceCriterion: {"{"}ipStrategy: {"{"}depth: 1, ipv6Subnet: 64{"}"}{"}"}{"}"}{"}"}
            ---
            apiVersion: {apiVersion}
            kind: ServersTransport
            metadata: {"{"}name: st{"}"}
            spec: {"{"}serverName: x, rootCAs: [{"{"}secret: ca{"}"}], forwardingTimeouts: {"{"}dialTimeout: 5s, pingTimeout: 3{"}"}{"}"}
            ---
            apiVersion: {apiVersion}
            kind: TLSOption
            metadata: {"{"}name: default{"}"}
            spec: {"{"}minVersion: VersionTLS12, clientAuth: {"{"}secretNames: [ca], clientAuthType: RequireAndVerifyClientCert{"}"}{"}"}
            ---
            apiVersion: {apiVersion}
            kind: TLSStore
            metadata: {"{"}name: default{"}"}
            spec: {"{"}defaultCertificate: {"{"}secretName: cert{"}"}{"}"}
            ---
            apiVersion: {apiVersion}
            kind: TraefikService
            metadata: {"{"}name: wrr{"}"}
            spec:
              weighted:
                services: [{"{"}name: a, port: 80, weight: 3{"}"}, {"{"}name: b, port: 80, weight: 1{"}"}]
            """;
        var s = ManifestLoader.LoadText(yaml, "all.yaml");

        Assert.That(s.LoadDiagnostics, Is.Empty, string.Join("\n", s.LoadDiagnostics.Select(d => d.Format())));
        Assert.Multiple(() =>
        {
            Assert.That(s.IngressRoutes.Single().ApiVersion, Is.EqualTo(apiVersion));
            Assert.That(s.IngressRoutes[0].Metadata.NamespaceProperty, Is.EqualTo("apps"));
            Assert.That(s.Middlewares.Single().Spec.RateLimit!.Burst, Is.EqualTo(50));
            Assert.That(s.Middlewares[0].Spec.RateLimit!.SourceCriterion!.IPStrategy!.Ipv6Subnet, Is.EqualTo(64));
            Assert.That(s.ServersTransports.Single().Spec.ForwardingTimeouts!.PingTimeout!.Value, Is.EqualTo("3"));
            Assert.That(s.TlsOptions.Single().Spec.ClientAuth!.ClientAuthType, Is.EqualTo("RequireAndVerifyClientCert"));
            Assert.That(s.TlsStores.Single().Spec.DefaultCertificate!.SecretName, Is.EqualTo("cert"));
            Assert.That(s.TraefikServices.Single().Spec.Weighted!.Services!.Select(x => x.Weight), Is.EqualTo(new int?[] { 3, 1 }));
        });
    }

    [Test]
    public void Reads_core_kinds_and_defaults_the_namespace()
    {
        const string yaml = """
            apiVersion: v1
            kind: Service
            metadata: {name: svc}
            spec:
              ports: [{name: grpc, port: 80, targetPort: 8080}, {name: web, port: 81}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: svc-1, labels: {kubernetes.io/service-name: svc}}
            addressType: IPv4
            ports: [{name: grpc, port: 8080}]
            endpoints:
              - addresses: [127.0.0.1]
                conditions: {ready: true, serving: true, terminating: false}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: s}
            type: kubernetes.io/tls
            data: {tls.crt: aGVsbG8=}
            stringData: {tls.key: plain}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cm}
            data: {ca.crt: pem}
            """;
        var s = ManifestLoader.LoadText(yaml, "core.yaml");
        Assert.That(s.LoadDiagnostics, Is.Empty, string.Join("\n", s.LoadDiagnostics.Select(d => d.Format())));
        Assert.Multiple(() =>
        {
            Assert.That(s.Services.Single().Metadata.NamespaceProperty, Is.EqualTo("default"));
            Assert.That(s.Services[0].Spec.Ports[0].TargetPort.Value, Is.EqualTo("8080"));
            Assert.That(s.EndpointSlices.Single().Endpoints[0].Conditions.Serving, Is.True);
            Assert.That(s.Services[0].Spec.Ports[1].TargetPort.Value, Is.EqualTo("81"), "apiserver default targetPort = port");
            Assert.That(s.Services[0].Spec.Ports[1].Protocol, Is.EqualTo("TCP"));
            Assert.That(s.Services[0].Spec.Type, Is.EqualTo("ClusterIP"));
            Assert.That(System.Text.Encoding.ASCII.GetString(s.Secrets.Single().Data["tls.crt"]), Is.EqualTo("hello"));
            Assert.That(System.Text.Encoding.ASCII.GetString(s.Secrets[0].Data["tls.key"]), Is.EqualTo("plain"), "stringData merged like the apiserver does");
            Assert.That(s.Secrets[0].StringData, Is.Null);
            Assert.That(s.ConfigMaps.Single().Data["ca.crt"], Is.EqualTo("pem"));
            Assert.That(s.Origins.Keys, Does.Contain(new ResourceRef("Service", "default", "svc")));
        });
    }

    [Test]
    public void Keeps_file_line_and_column_of_objects_and_fields()
    {
        const string yaml = """
            # a comment
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: first}
            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata:
              name: r
            spec:
              routes:
                - match: Host(`a`)
                - match: Host(`b`)
                  middlewares:
                    - name: mw
                  services:
                    - name: svc
                      port: 80
            """;
        var s = ManifestLoader.LoadText(yaml, "dir/routes.yaml");
        var origin = s.Origins[new ResourceRef("IngressRoute", "default", "r")];
        Assert.Multiple(() =>
        {
            Assert.That(origin.Location, Is.EqualTo(new SourceLocation("dir/routes.yaml", 6, 1)));
            Assert.That(origin.Locate("spec.routes[1]"), Is.EqualTo(new SourceLocation("dir/routes.yaml", 13, 7)));
            Assert.That(origin.Locate("spec.routes[1].match"), Is.EqualTo(new SourceLocation("dir/routes.yaml", 13, 7)));
            Assert.That(origin.Locate("spec.routes[1].middlewares[0].name"), Is.EqualTo(new SourceLocation("dir/routes.yaml", 15, 11)));
            Assert.That(origin.Locate("spec.routes[1].services[0].port"), Is.EqualTo(new SourceLocation("dir/routes.yaml", 18, 11)));
            Assert.That(s.Locate(new ResourceRef("ConfigMap", "default", "first")), Is.EqualTo(new SourceLocation("dir/routes.yaml", 2, 1)));
        });
    }

    [Test]
    public void Unknown_field_is_an_error_naming_the_field_and_its_line_and_refuses_the_object()
    {
        // issue 13.3: like kubectl apply --validate=strict, a misplaced `schema: h2c` refuses the object instead of
        // serving it without h2c (8 of 10 calls then failed at run time).
        const string yaml = """
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata: {name: r}
            spec:
              routes:
                - match: Host(`a`)
                  services:
                    - name: svc
                      port: 80
                      schema: h2c
            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata: {name: fine}
            spec:
              routes: [{match: Host(`b`), services: [{name: svc, port: 80}]}]
            """;
        var s = ManifestLoader.LoadText(yaml, "r.yaml");
        var d = Single(s, DiagnosticCodes.UnknownField);
        Assert.Multiple(() =>
        {
            Assert.That(d.Severity, Is.EqualTo(Severity.Error));
            Assert.That(d.Message, Does.Contain("\"spec.routes[0].services[0].schema\"").And.Contain("did you mean \"scheme\""));
            Assert.That(d.Field, Is.EqualTo("spec.routes[0].services[0].schema"));
            Assert.That(d.Location, Is.EqualTo(new SourceLocation("r.yaml", 10, 11)));
            Assert.That(d.Format(), Does.StartWith("r.yaml:10:11: error SY002:"));
            Assert.That(s.IngressRoutes.Select(r => r.Metadata.Name), Is.EqualTo(new[] { "fine" }), "only the object with the unknown field is refused");
        });
    }

    [TestCase("metadata: {name: r, lables: {a: b}}", "metadata.lables", "labels")]
    [TestCase("metadata: {name: r}\nspecs: {}", "specs", "spec")]
    [TestCase("metadata: {name: r}\nspec: {routes: [{match: Host(`a`), middleware: [{name: m}]}]}", "spec.routes[0].middleware", "middlewares")]
    public void Every_misspelt_key_refuses_the_object_with_a_hint(string rest, string field, string hint)
    {
        var s = ManifestLoader.LoadText("apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\n" + rest, "r.yaml");
        var d = Single(s, DiagnosticCodes.UnknownField);
        Assert.Multiple(() =>
        {
            Assert.That(d.Severity, Is.EqualTo(Severity.Error));
            Assert.That(d.Field, Is.EqualTo(field));
            Assert.That(d.Message, Does.Contain($"did you mean \"{hint}\""));
            Assert.That(s.IngressRoutes, Is.Empty);
        });
    }

    [Test]
    public void Wrong_types_are_errors_at_the_field_and_drop_only_that_object()
    {
        const string yaml = """
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata: {name: bad-port}
            spec:
              routes:
                - match: Host(`a`)
                  services:
                    - name: svc
                      port: [1]
            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata: {name: bad-weight}
            spec:
              routes:
                - match: Host(`b`)
                  services:
                    - name: svc
                      weight: abc
            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata: {name: good}
            spec:
              routes: [{match: Host(`c`)}]
            """;
        var s = ManifestLoader.LoadText(yaml, "t.yaml");
        var errors = s.LoadDiagnostics.Where(d => d.Code == DiagnosticCodes.InvalidValue).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(s.IngressRoutes.Select(r => r.Metadata.Name), Is.EqualTo(new[] { "good" }));
            Assert.That(errors, Has.Count.EqualTo(2));
            Assert.That(errors[0].Severity, Is.EqualTo(Severity.Error));
            Assert.That(errors[0].Field, Is.EqualTo("spec.routes[0].services[0].port"));
            Assert.That(errors[0].Location!.Line, Is.EqualTo(9));
            Assert.That(errors[0].Resource, Is.EqualTo(new ResourceRef("IngressRoute", "default", "bad-port")));
            Assert.That(errors[1].Field, Is.EqualTo("spec.routes[0].services[0].weight"));
            Assert.That(errors[1].Location!.Line, Is.EqualTo(19));
            Assert.That(errors[1].Message, Does.Contain("integer").And.Contain("abc"));
        });
    }

    [Test]
    public void Missing_required_field_is_an_error_and_drops_the_object()
    {
        const string yaml = """
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata: {name: r}
            spec:
              routes:
                - kind: Rule
            """;
        var s = ManifestLoader.LoadText(yaml, "m.yaml");
        var d = Single(s, DiagnosticCodes.MissingField);
        Assert.Multiple(() =>
        {
            Assert.That(s.IngressRoutes, Is.Empty);
            Assert.That(d.Field, Is.EqualTo("spec.routes[0].match"));
            Assert.That(d.Location!.Line, Is.EqualTo(6));
        });
    }

    [Test]
    public void Yaml_syntax_error_has_a_location_and_other_documents_are_kept()
    {
        const string yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: before}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: broken
            data: x
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: after}
            """;
        var s = ManifestLoader.LoadText(yaml, "syntax.yaml");
        var d = Single(s, DiagnosticCodes.YamlSyntax);
        Assert.Multiple(() =>
        {
            Assert.That(s.ConfigMaps.Select(c => c.Metadata.Name), Is.EqualTo(new[] { "after", "before" }));
            Assert.That(d.Severity, Is.EqualTo(Severity.Error));
            Assert.That(d.Location!.File, Is.EqualTo("syntax.yaml"));
            Assert.That(d.Location.Line, Is.InRange(7, 9));
        });
    }

    [Test]
    public void Json_files_single_object_array_and_list_with_locations()
    {
        const string single = """
            {
              "apiVersion": "traefik.io/v1alpha1",
              "kind": "Middleware",
              "metadata": {"name": "m"},
              "spec": {"grpcWeb": {"allowOrigins": ["*"]}, "headerz": {}}
            }
            """;
        var s1 = ManifestLoader.LoadText(single, "m.json");
        Assert.Multiple(() =>
        {
            var w = Single(s1, DiagnosticCodes.UnknownField);
            Assert.That(w.Field, Is.EqualTo("spec.headerz"));
            Assert.That(w.Location, Is.EqualTo(new SourceLocation("m.json", 5, 48)));
            Assert.That(s1.Middlewares, Is.Empty, "an unknown field refuses the object");
        });

        var clean = ManifestLoader.LoadText(single.Replace(", \"headerz\": {}", "", StringComparison.Ordinal), "m.json");
        Assert.Multiple(() =>
        {
            Assert.That(clean.Middlewares.Single().Spec.GrpcWeb!.AllowOrigins, Is.EqualTo(new[] { "*" }));
            Assert.That(clean.Origins.Single().Value.Location, Is.EqualTo(new SourceLocation("m.json", 1, 1)));
        });

        const string list = """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}, "data": {"k": 1}}
            ]}
            """;
        var s2 = ManifestLoader.LoadText(list, "l.json");
        Assert.Multiple(() =>
        {
            Assert.That(s2.ConfigMaps.Select(c => c.Metadata.Name), Is.EqualTo(new[] { "a" }));
            var e = Single(s2, DiagnosticCodes.InvalidValue);
            Assert.That(e.Field, Is.EqualTo("data.k"));
            Assert.That(e.Location!.Line, Is.EqualTo(3));
            Assert.That(s2.Origins.Single().Value.Location, Is.EqualTo(new SourceLocation("l.json", 2, 3)));
        });

        var s3 = ManifestLoader.LoadText("""[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}]""", "a.json");
        Assert.That(s3.ConfigMaps, Has.Length.EqualTo(1));

        var s4 = ManifestLoader.LoadText("{\"apiVersion\": \"v1\",\n \"kind\": }", "bad.json");
        Assert.That(Single(s4, DiagnosticCodes.YamlSyntax).Location!.Line, Is.EqualTo(2));
    }

    [Test]
    public void Yaml_list_kind_yields_its_items_with_their_own_locations()
    {
        const string yaml = """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: traefik.io/v1alpha1
                kind: Middleware
                metadata: {name: a}
                spec: {addPrefix: {prefix: /x}}
              - apiVersion: traefik.io/v1alpha1
                kind: Middleware
                metadata: {name: b}
                spec: {stripPrefix: {prefixes: [/y], forceSlash: false}}
            """;
        var s = ManifestLoader.LoadText(yaml, "list.yaml");
        Assert.Multiple(() =>
        {
            Assert.That(s.LoadDiagnostics, Is.Empty);
            Assert.That(s.Middlewares.Select(m => m.Metadata.Name), Is.EqualTo(new[] { "a", "b" }));
            var b = s.Origins[new ResourceRef("Middleware", "default", "b")];
            Assert.That(b.Location.Line, Is.EqualTo(8));
            Assert.That(b.Locate("spec.stripPrefix.prefixes").Line, Is.EqualTo(11));
        });
    }

    [Test]
    public void Duplicate_objects_are_an_error_on_the_later_one()
    {
        var dir = Directory.CreateTempSubdirectory("sy-dup-").FullName;
        try
        {
            const string cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same, namespace: ns}\n";
            File.WriteAllText(Path.Combine(dir, "a.yaml"), cm);
            Directory.CreateDirectory(Path.Combine(dir, "sub"));
            File.WriteAllText(Path.Combine(dir, "sub", "b.yml"), "# x\n" + cm);
            File.WriteAllText(Path.Combine(dir, "ignored.txt"), "not: a manifest");

            var s = ManifestLoader.LoadFiles([dir]);
            var d = Single(s, DiagnosticCodes.DuplicateObject);
            Assert.Multiple(() =>
            {
                Assert.That(s.ConfigMaps, Has.Length.EqualTo(1));
                Assert.That(d.Severity, Is.EqualTo(Severity.Error));
                Assert.That(d.Location, Is.EqualTo(new SourceLocation(Path.Combine(dir, "sub", "b.yml"), 2, 1)));
                Assert.That(d.Message, Does.Contain(Path.Combine(dir, "a.yaml") + ":1:1"));
                Assert.That(s.Origins.Single().Value.File, Is.EqualTo(Path.Combine(dir, "a.yaml")));
            });
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void Unknown_kinds_are_an_info_outside_traefik_groups_and_a_warning_naming_the_closest_kind_inside()
    {
        const string yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec: {}
            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngresRoute
            metadata: {name: t}
            spec: {}
            ---
            apiVersion: traefik.containo.us/v1alpha1
            kind: middleware
            metadata: {name: m}
            spec: {}
            ---
            apiVersion: traefik.io/v1
            kind: IngressRoute
            metadata: {name: v}
            spec: {}
            """;
        var s = ManifestLoader.LoadText(yaml, "k.yaml");
        Assert.Multiple(() =>
        {
            Assert.That(s.ObjectCount, Is.Zero);
            Assert.That(s.LoadDiagnostics.Select(d => (d.Code, d.Severity, d.Resource!.Kind)), Is.EqualTo(new[]
            {
                (DiagnosticCodes.UnknownKind, Severity.Info, "Deployment"),
                (DiagnosticCodes.UnknownKind, Severity.Warning, "IngresRoute"),
                (DiagnosticCodes.UnknownKind, Severity.Warning, "middleware"),
                (DiagnosticCodes.UnknownKind, Severity.Warning, "IngressRoute"),
            }));
            Assert.That(s.LoadDiagnostics[1].Message, Does.Contain("did you mean \"IngressRoute\""));
            Assert.That(s.LoadDiagnostics[1].Location, Is.EqualTo(new SourceLocation("k.yaml", 7, 1)));
            Assert.That(s.LoadDiagnostics[2].Message, Does.Contain("did you mean \"Middleware\""));
            Assert.That(s.LoadDiagnostics[3].Message, Does.Contain("did you mean \"traefik.io/v1alpha1\""));
        });
    }

    [Test]
    public void Missing_path_is_an_error()
    {
        var s = ManifestLoader.LoadFiles(["/nonexistent/switchyard-manifests"]);
        Assert.That(Single(s, DiagnosticCodes.FileUnreadable).Severity, Is.EqualTo(Severity.Error));
    }

    [Test]
    public void Anchors_merge_keys_and_scalar_types_follow_yaml()
    {
        const string yaml = """
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata: {name: h}
            spec:
              headers:
                customRequestHeaders: &hdrs
                  X-Forwarded-Proto: https
                  X-Empty: ""
                customResponseHeaders:
                  <<: *hdrs
                  X-Empty: "set"
                stsSeconds: 0x10
                accessControlAllowOriginList: ['*']
            """;
        var s = ManifestLoader.LoadText(yaml, "a.yaml");
        Assert.That(s.LoadDiagnostics, Is.Empty, string.Join("\n", s.LoadDiagnostics.Select(d => d.Format())));
        var h = s.Middlewares.Single().Spec.Headers!;
        Assert.Multiple(() =>
        {
            Assert.That(h.CustomRequestHeaders!["X-Empty"], Is.EqualTo(""));
            Assert.That(h.CustomResponseHeaders!["X-Forwarded-Proto"], Is.EqualTo("https"));
            Assert.That(h.CustomResponseHeaders["X-Empty"], Is.EqualTo("set"));
            Assert.That(h.StsSeconds, Is.EqualTo(16));
        });
    }
}
