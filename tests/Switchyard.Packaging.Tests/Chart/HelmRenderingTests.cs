using System.Text.Json.Nodes;

namespace Switchyard.Packaging.Tests.Chart;

/// <summary>Targeted assertions on what `helm template` renders: probes, hardening, RBAC, HA, Service, config.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class HelmRenderingTests
{
    private static readonly string[] CrdResources =
        ["ingressroutes", "middlewares", "serverstransports", "tlsoptions", "tlsstores", "traefikservices",
         "ingressroutetcps", "ingressrouteudps", "middlewaretcps", "serverstransporttcps"];

    [Test]
    [CancelAfter(60_000)]
    public async Task Default_deployment_runs_two_replicas_with_leader_election_and_anti_affinity(CancellationToken ct)
    {
        var r = await HelmChart.RenderAsync(null, ct);
        var deployment = r.Single("Deployment");
        Assert.That((int)deployment["spec"]!["replicas"]!, Is.EqualTo(2));
        Assert.That(r.Env("SWITCHYARD_LEADER_ELECTION"), Is.EqualTo("true"));
        Assert.That(r.Env("SWITCHYARD_LEADER_ELECTION_LEASE_NAME"), Is.EqualTo("gw-switchyard-leader"));
        Assert.That(FieldRef(r, "POD_NAMESPACE"), Is.EqualTo("metadata.namespace"));
        Assert.That(FieldRef(r, "POD_NAME"), Is.EqualTo("metadata.name"));

        var term = r.PodSpec["affinity"]!["podAntiAffinity"]!["preferredDuringSchedulingIgnoredDuringExecution"]![0]!["podAffinityTerm"]!;
        Assert.That((string?)term["topologyKey"], Is.EqualTo("kubernetes.io/hostname"));
        Assert.That(term["labelSelector"]!["matchLabels"]!.ToJsonString(),
            Is.EqualTo(deployment["spec"]!["selector"]!["matchLabels"]!.ToJsonString()), "anti-affinity must select our own pods");
        Assert.That((int)deployment["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]!, Is.Zero);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Probes_are_a_kubelet_grpc_liveness_probe_and_an_http_readyz_readiness_probe_on_the_admin_port(CancellationToken ct)
    {
        var r = await HelmChart.RenderAsync(null, ct);
        var liveness = r.Container["livenessProbe"]!.AsObject();
        Assert.That((int)liveness["grpc"]!["port"]!, Is.EqualTo(9000));
        Assert.That(liveness.ContainsKey("httpGet") || liveness.ContainsKey("exec"), Is.False);
        var readiness = r.Container["readinessProbe"]!.AsObject();
        Assert.That((string?)readiness["httpGet"]!["path"], Is.EqualTo("/readyz"));
        Assert.That((string?)readiness["httpGet"]!["port"], Is.EqualTo("admin"));
        Assert.That(r.ContainerPort("admin"), Is.EqualTo(9000));
        Assert.That(r.ContainerPort("web"), Is.EqualTo(8000));
        Assert.That(r.ContainerPort("websecure"), Is.EqualTo(8443));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Container_and_pod_are_hardened(CancellationToken ct)
    {
        var r = await HelmChart.RenderAsync(null, ct);
        var sc = r.Container["securityContext"]!;
        Assert.Multiple(() =>
        {
            Assert.That((bool)sc["runAsNonRoot"]!, Is.True);
            Assert.That((bool)sc["readOnlyRootFilesystem"]!, Is.True);
            Assert.That((bool)sc["allowPrivilegeEscalation"]!, Is.False);
            Assert.That((bool)sc["privileged"]!, Is.False);
            Assert.That(sc["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c), Is.EquivalentTo(new[] { "ALL" }));
            Assert.That(sc["capabilities"]!.AsObject().ContainsKey("add"), Is.False);
            Assert.That((string?)sc["seccompProfile"]!["type"], Is.EqualTo("RuntimeDefault"));
            Assert.That((bool)r.PodSpec["securityContext"]!["runAsNonRoot"]!, Is.True);
            Assert.That((int)r.PodSpec["securityContext"]!["runAsUser"]!, Is.GreaterThan(0));
            Assert.That((string?)r.PodSpec["securityContext"]!["seccompProfile"]!["type"], Is.EqualTo("RuntimeDefault"));
            Assert.That(r.Container["resources"]!["requests"]!["cpu"], Is.Not.Null);
            Assert.That(r.Container["resources"]!["limits"]!["memory"], Is.Not.Null);
        });
        // A read-only root needs a writable scratch directory for .NET.
        var mounts = r.Container["volumeMounts"]!.AsArray().Select(m => (string?)m!["mountPath"]);
        Assert.That(mounts, Does.Contain("/tmp").And.Contain("/etc/switchyard"));
    }

    [TestCase(null, new[] { "traefik.io" }, new[] { "traefik.containo.us" })]
    [TestCase("legacy-crds.yaml", new[] { "traefik.io", "traefik.containo.us" }, new string[0])]
    [CancelAfter(60_000)]
    public async Task Cluster_role_grants_read_on_watched_kinds_status_patch_and_events_only(
        string? values, string[] groups, string[] notGranted, CancellationToken ct)
    {
        var r = await HelmChart.RenderAsync(values is null ? null : HelmChart.ValuesFile(values), ct);
        var rules = Rules(r.Single("ClusterRole"));
        Assert.That(rules.SelectMany(x => x.Groups).Intersect(notGranted), Is.Empty, "RBAC follows legacyCRDs.enabled");
        Assert.That(rules.SelectMany(x => x.Verbs), Has.None.EqualTo("*"), "no wildcard verbs");
        Assert.That(rules.SelectMany(x => x.Resources), Has.None.EqualTo("*"), "no wildcard resources");
        Assert.That(rules.SelectMany(x => x.Groups), Has.None.EqualTo("*"), "no wildcard groups");

        foreach (var group in groups)
        {
            foreach (var resource in CrdResources)
            {
                Assert.That(VerbsFor(rules, group, resource), Is.EquivalentTo(new[] { "get", "list", "watch" }), $"{group} {resource}");
                Assert.That(VerbsFor(rules, group, resource + "/status"), Is.EquivalentTo(new[] { "patch" }), $"{group} {resource}/status");
            }
        }
        foreach (var resource in new[] { "services", "secrets", "configmaps" })
            Assert.That(VerbsFor(rules, "", resource), Is.EquivalentTo(new[] { "get", "list", "watch" }), resource);
        Assert.That(VerbsFor(rules, "discovery.k8s.io", "endpointslices"), Is.EquivalentTo(new[] { "get", "list", "watch" }));
        Assert.That(VerbsFor(rules, "", "nodes"), Is.EquivalentTo(new[] { "get", "list", "watch" }), "nodePortLB reads the Nodes");
        Assert.That(VerbsFor(rules, "events.k8s.io", "events"), Is.EquivalentTo(new[] { "create", "patch" }));
        Assert.That(rules.SelectMany(x => x.Resources), Has.None.EqualTo("leases"), "Leases belong in the namespaced Role");

        // Nothing else: every write verb is accounted for above.
        var writes = rules.Where(x => x.Verbs.Except(["get", "list", "watch"]).Any()).SelectMany(x => x.Resources).ToList();
        Assert.That(writes, Is.SubsetOf(CrdResources.Select(c => c + "/status").Append("events")));

        var binding = r.Single("ClusterRoleBinding");
        Assert.That((string?)binding["roleRef"]!["name"], Is.EqualTo((string?)r.Single("ClusterRole")["metadata"]!["name"]));
        Assert.That((string?)binding["subjects"]![0]!["name"], Is.EqualTo((string?)r.Single("ServiceAccount")["metadata"]!["name"]));
        Assert.That((string?)binding["subjects"]![0]!["namespace"], Is.EqualTo(HelmChart.Namespace));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Leases_are_granted_in_the_release_namespace_only_and_only_for_our_lease(CancellationToken ct)
    {
        var r = await HelmChart.RenderAsync(null, ct);
        var role = r.Single("Role");
        Assert.That((string?)role["metadata"]!["namespace"], Is.EqualTo(HelmChart.Namespace));
        var rules = Rules(role);
        Assert.That(rules.All(x => x.Groups.SequenceEqual(["coordination.k8s.io"]) && x.Resources.SequenceEqual(["leases"])), Is.True);
        var named = rules.Single(x => x.Names.Count > 0);
        Assert.That(named.Names, Is.EqualTo(new[] { r.Env("SWITCHYARD_LEADER_ELECTION_LEASE_NAME") }));
        Assert.That(named.Verbs, Is.EquivalentTo(new[] { "get", "update" }));
        Assert.That(rules.Single(x => x.Names.Count == 0).Verbs, Is.EquivalentTo(new[] { "create" }));
        var binding = r.Single("RoleBinding");
        Assert.That((string?)binding["metadata"]!["namespace"], Is.EqualTo(HelmChart.Namespace));
        Assert.That((string?)binding["roleRef"]!["kind"], Is.EqualTo("Role"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Default_service_maps_web_and_websecure_and_hides_the_admin_port(CancellationToken ct)
    {
        var r = await HelmChart.RenderAsync(null, ct);
        var service = r.Single("Service");
        Assert.That((string?)service["spec"]!["type"], Is.EqualTo("ClusterIP"));
        var ports = service["spec"]!["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!);
        Assert.That(ports.Keys, Is.EquivalentTo(new[] { "web", "websecure" }));
        Assert.That((int)ports["web"]["port"]!, Is.EqualTo(80));
        Assert.That((string?)ports["web"]["targetPort"], Is.EqualTo("web"));
        Assert.That((int)ports["websecure"]["port"]!, Is.EqualTo(443));
        Assert.That((string?)ports["websecure"]["targetPort"], Is.EqualTo("websecure"));
        Assert.That(service["spec"]!["selector"]!.ToJsonString(),
            Is.EqualTo(r.Single("Deployment")["spec"]!["selector"]!["matchLabels"]!.ToJsonString()));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Default_pdb_keeps_one_replica_and_config_map_carries_the_static_config(CancellationToken ct)
    {
        var r = await HelmChart.RenderAsync(null, ct);
        Assert.That((int)r.Single("PodDisruptionBudget")["spec"]!["minAvailable"]!, Is.EqualTo(1));
        var config = r.StaticConfig;
        Assert.That((string?)config["entryPoints"]!["web"]!["address"], Is.EqualTo($":{r.ContainerPort("web")}"));
        Assert.That((string?)config["entryPoints"]!["websecure"]!["address"], Is.EqualTo($":{r.ContainerPort("websecure")}"));
        Assert.That((string?)config["entryPoints"]!["admin"]!["address"], Is.EqualTo($":{r.ContainerPort("admin")}"));
        Assert.That((bool)config["entryPoints"]!["admin"]!["admin"]!, Is.True, "the admin entry point serves health, not routes");
        Assert.That(config["entryPoints"]!["websecure"]!["tls"], Is.Not.Null, "websecure terminates TLS");
        Assert.That((bool)config["providers"]!["kubernetesCRD"]!["enabled"]!, Is.True, "in a cluster the Kubernetes provider is on");
        Assert.That(config["providers"]!.AsObject().ContainsKey("file"), Is.False, "no manifest folder in a cluster");
        Assert.That((string?)config["log"]!["level"], Is.EqualTo("INFO"));
        var volume = r.PodSpec["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "config")!;
        Assert.That((string?)volume["configMap"]!["name"], Is.EqualTo((string?)r.Single("ConfigMap")["metadata"]!["name"]));
        Assert.That((string?)r.Single("Deployment")["spec"]!["template"]!["metadata"]!["annotations"]!["checksum/config"], Has.Length.EqualTo(64));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Metrics_are_on_by_default_with_scrape_annotations_on_the_admin_port_and_can_be_turned_off(CancellationToken ct)
    {
        var r = await HelmChart.RenderAsync(null, ct);
        var prometheus = r.StaticConfig["metrics"]!["prometheus"]!;
        Assert.That((string?)prometheus["entryPoint"], Is.EqualTo("admin"));
        Assert.That(prometheus["buckets"]!.AsArray().Select(b => double.Parse(b!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(new[] { 0.1, 0.3, 1.2, 5.0 }));
        Assert.That((bool)prometheus["addRoutersLabels"]!, Is.False);
        var annotations = r.Single("Deployment")["spec"]!["template"]!["metadata"]!["annotations"]!;
        Assert.That((string?)annotations["prometheus.io/scrape"], Is.EqualTo("true"));
        Assert.That((string?)annotations["prometheus.io/port"], Is.EqualTo(r.ContainerPort("admin").ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That((string?)annotations["prometheus.io/path"], Is.EqualTo("/metrics"));

        var off = new Rendered(Infrastructure.YamlJson.ParseObjects(await HelmChart.TemplateYamlAsync(null, ct, "--set", "metrics.prometheus.enabled=false")));
        Assert.That(off.StaticConfig.AsObject().ContainsKey("metrics"), Is.False);
        Assert.That(off.Single("Deployment")["spec"]!["template"]!["metadata"]!["annotations"]!.AsObject().ContainsKey("prometheus.io/scrape"), Is.False);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Loadbalancer_values_expose_admin_keep_client_ips_and_use_max_unavailable(CancellationToken ct)
    {
        var r = await HelmChart.RenderAsync(HelmChart.ValuesFile("loadbalancer.yaml"), ct);
        var spec = r.Single("Service")["spec"]!;
        Assert.That((string?)spec["type"], Is.EqualTo("LoadBalancer"));
        Assert.That((string?)spec["externalTrafficPolicy"], Is.EqualTo("Local"));
        var ports = spec["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!);
        Assert.That((int)ports["admin"]["port"]!, Is.EqualTo(9100));
        Assert.That((int)ports["web"]["nodePort"]!, Is.EqualTo(30080));
        var pdb = r.Single("PodDisruptionBudget")["spec"]!.AsObject();
        Assert.That((int)pdb["maxUnavailable"]!, Is.EqualTo(1));
        Assert.That(pdb.ContainsKey("minAvailable"), Is.False, "a PDB takes one of minAvailable / maxUnavailable");
        Assert.That((int)r.Single("Deployment")["spec"]!["replicas"]!, Is.EqualTo(3));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Single_replica_values_drop_leader_election_rbac_pdb_and_anti_affinity(CancellationToken ct)
    {
        var r = await HelmChart.RenderAsync(HelmChart.ValuesFile("single-replica.yaml"), ct);
        Assert.That((int)r.Single("Deployment")["spec"]!["replicas"]!, Is.EqualTo(1));
        Assert.That(r.Env("SWITCHYARD_LEADER_ELECTION"), Is.EqualTo("false"));
        Assert.That(r.Contains("PodDisruptionBudget"), Is.False, "a PDB over one replica would block node drains");
        Assert.That(r.Contains("Role") || r.Contains("RoleBinding"), Is.False, "no Lease access without leader election");
        Assert.That(r.PodSpec.ContainsKey("affinity"), Is.False);
        Assert.That(r.Contains("ClusterRole"), Is.True);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Namespaced_values_use_an_existing_service_account_hard_anti_affinity_and_custom_ports(CancellationToken ct)
    {
        var r = await HelmChart.RenderAsync(HelmChart.ValuesFile("namespaced.yaml"), ct);
        Assert.That(r.Contains("ServiceAccount"), Is.False);
        Assert.That((string?)r.PodSpec["serviceAccountName"], Is.EqualTo("edge-gateway"));
        Assert.That((string?)r.Single("ClusterRoleBinding")["subjects"]![0]!["name"], Is.EqualTo("edge-gateway"));
        Assert.That((string?)r.Container["image"], Is.EqualTo("registry.example.com/platform/switchyard:0.1.0-rc.1"));
        Assert.That(r.PodSpec["affinity"]!["podAntiAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"], Is.Not.Null);
        Assert.That((int)r.Container["livenessProbe"]!["grpc"]!["port"]!, Is.EqualTo(9090), "the gRPC probe follows the admin port");
        Assert.That(Rules(r.Single("Role")).Single(x => x.Names.Count > 0).Names, Is.EqualTo(new[] { "edge-leader" }));

        var config = r.StaticConfig;
        Assert.That((string?)config["entryPoints"]!["web"]!["address"], Is.EqualTo(":8080"));
        Assert.That((int)config["entryPoints"]!["websecure"]!["http2"]!["maxConcurrentStreams"]!, Is.EqualTo(500), "staticConfig merges");
        Assert.That((string?)config["entryPoints"]!["websecure"]!["address"], Is.EqualTo(":8443"), "merge keeps generated keys");
        Assert.That(config["providers"]!["kubernetesCRD"]!["namespaces"]!.AsArray().Select(n => (string?)n), Is.EqualTo(new[] { "team-a", "team-b" }));
        var ports = r.Single("Service")["spec"]!["ports"]!.AsArray();
        Assert.That(ports.Select(p => (string?)p!["name"]), Does.Not.Contain("admin"));
        Assert.That(ports.Single(p => (string?)p!["name"] == "websecure")!.AsObject().ContainsKey("nodePort"), Is.False);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Chart_grants_nothing_the_plain_rbac_yaml_does_not(CancellationToken ct)
    {
        // config/rbac.yaml (plain RBAC for kubectl users) and the chart must not drift apart: every
        // (group, resource, verb) the chart grants is granted there too.
        var plainFile = Path.Combine(Infrastructure.RepoPaths.Root, "config", "rbac.yaml");
        if (!File.Exists(plainFile)) Assert.Fail("config/rbac.yaml is missing");
        var plain = Infrastructure.YamlJson.ParseFile(plainFile);
        var r = await HelmChart.RenderAsync(null, ct);
        foreach (var kind in new[] { "ClusterRole", "Role" })
        {
            var granted = Triples(plain.Where(o => (string?)o["kind"] == kind).SelectMany(Rules));
            var chart = Triples(r.All(kind).SelectMany(Rules));
            Assert.That(granted, Is.SupersetOf(chart), $"{kind}: the chart grants more than config/rbac.yaml");
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task The_Gateway_API_provider_widens_RBAC_only_when_enabled_and_as_the_plain_rbac_files_do(CancellationToken ct)
    {
        // Off (default): nothing on gateway.networking.k8s.io, no Gateway API CRDs. On: the chart grants exactly what
        // config/rbac.yaml + config/rbac-gateway-api.yaml grant, renders the provider's static config and (with
        // gatewayAPICRDs.enabled) the six upstream CRDs.
        var off = await HelmChart.RenderAsync(null, ct);
        Assert.That(Triples(off.All("ClusterRole").SelectMany(Rules)).Where(t => t.StartsWith("gateway.networking.k8s.io|", StringComparison.Ordinal)), Is.Empty);
        Assert.That(off.All("CustomResourceDefinition").Where(c => (string?)c["spec"]!["group"] == "gateway.networking.k8s.io"), Is.Empty);
        Assert.That(Triples(off.All("ClusterRole").SelectMany(Rules)), Has.None.StartsWith("|namespaces|"), "Namespaces are read only for the Gateway API provider");

        var on = await HelmChart.RenderAsync(HelmChart.ValuesFile("gateway-api.yaml"), ct);
        var plain = new[] { "rbac.yaml", "rbac-gateway-api.yaml" }
            .SelectMany(f => Infrastructure.YamlJson.ParseFile(Path.Combine(Infrastructure.RepoPaths.Root, "config", f)))
            .Where(o => (string?)o["kind"] == "ClusterRole");
        Assert.That(Triples(plain.SelectMany(Rules)), Is.SupersetOf(Triples(on.All("ClusterRole").SelectMany(Rules))));
        Assert.That(Triples(on.All("ClusterRole").SelectMany(Rules)), Does.Contain("gateway.networking.k8s.io|grpcroutes/status|patch"));
        Assert.That(Triples(on.All("ClusterRole").SelectMany(Rules)), Does.Contain("|namespaces|watch"), "allowedRoutes namespace selectors read Namespaces");
        Assert.That(on.All("CustomResourceDefinition").Count(c => (string?)c["spec"]!["group"] == "gateway.networking.k8s.io"), Is.EqualTo(6));
        var config = Infrastructure.YamlJson.ParseObjects((string)on.Single("ConfigMap")["data"]!["switchyard.yaml"]!).Single();
        Assert.That((bool?)config["providers"]!["kubernetesGateway"]!["enabled"], Is.True);
        // Default statusAddress: this release's own Service's load-balancer addresses go into the Gateways' status.
        var service = on.Single("Service")["metadata"]!;
        Assert.That(config["providers"]!["kubernetesGateway"]!["statusAddress"]!["service"]!.ToJsonString(),
            Is.EqualTo(new System.Text.Json.Nodes.JsonObject { ["name"] = (string?)service["name"], ["namespace"] = (string?)service["namespace"] }.ToJsonString()));
    }

    [TestCase(null, false)]
    [TestCase("legacy-crds.yaml", true)]
    [CancelAfter(60_000)]
    public async Task The_legacy_group_is_installed_and_watched_only_with_legacyCRDs_enabled(string? values, bool legacy, CancellationToken ct)
    {
        // Both groups installed make `kubectl get ingressroute` resolve to traefik.containo.us: off by default,
        // as in Traefik v3's chart. The CRDs in crds/ are always traefik.io; the legacy ones come from a template.
        var file = values is null ? null : HelmChart.ValuesFile(values);
        var r = await HelmChart.RenderAsync(file, ct);
        var legacyCrds = r.All("CustomResourceDefinition").Where(c => (string?)c["spec"]!["group"] == "traefik.containo.us").ToList();
        Assert.That(legacyCrds, Has.Count.EqualTo(legacy ? CrdResources.Length : 0));
        var config = Infrastructure.YamlJson.ParseObjects((string)r.Single("ConfigMap")["data"]!["switchyard.yaml"]!).Single();
        Assert.That((bool?)config["providers"]!["kubernetesCRD"]!["legacyGroup"], Is.EqualTo(legacy));

        var withCrds = Infrastructure.YamlJson.ParseObjects(await HelmChart.TemplateYamlAsync(file, ct, "--include-crds"));
        var groups = withCrds.Where(o => (string?)o["kind"] == "CustomResourceDefinition").Select(c => (string?)c["spec"]!["group"]).Distinct();
        Assert.That(groups, Is.EquivalentTo(legacy ? new[] { "traefik.io", "traefik.containo.us" } : new[] { "traefik.io" }));
    }

    [TestCase(null, false)]
    [TestCase("ingress.yaml", true)]
    [CancelAfter(60_000)]
    public async Task The_ingress_provider_gets_its_rbac_config_and_class_only_when_enabled(string? values, bool enabled, CancellationToken ct)
    {
        // RBAC widened only for what is enabled: Ingresses, IngressClasses and ingresses/status with the provider, nothing without.
        var r = await HelmChart.RenderAsync(values is null ? null : HelmChart.ValuesFile(values), ct);
        var granted = Triples(r.All("ClusterRole").SelectMany(Rules));
        string[] ingress = ["networking.k8s.io|ingresses|list", "networking.k8s.io|ingresses|watch", "networking.k8s.io|ingressclasses|list",
            "networking.k8s.io|ingressclasses|watch", "networking.k8s.io|ingresses/status|patch"];
        Assert.That(ingress.Where(granted.Contains), enabled ? Is.EquivalentTo(ingress) : Is.Empty);
        var config = Infrastructure.YamlJson.ParseObjects((string)r.Single("ConfigMap")["data"]!["switchyard.yaml"]!).Single();
        var provider = config["providers"]!["kubernetesIngress"];
        Assert.That(provider is not null, Is.EqualTo(enabled));
        var classes = r.All("IngressClass").ToList();
        Assert.That(classes, Has.Count.EqualTo(enabled ? 1 : 0));
        if (enabled)
        {
            // Default endpoint: this release's own Service is published into the Ingresses' status.
            Assert.That((string?)provider!["ingressEndpoint"]!["publishedService"], Does.EndWith("/" + (string?)r.Single("Service")["metadata"]!["name"]));
            Assert.That((string?)classes[0]["spec"]!["controller"], Is.EqualTo("traefik.io/ingress-controller"));
            Assert.That((string?)classes[0]["metadata"]!["annotations"]!["ingressclass.kubernetes.io/is-default-class"], Is.EqualTo("true"));
        }
    }

    private static HashSet<string> Triples(IEnumerable<Rule> rules) =>
        rules.SelectMany(x => x.Groups.SelectMany(g => x.Resources.SelectMany(res => x.Verbs.Select(v => $"{g}|{res}|{v}")))).ToHashSet();

    private static string? FieldRef(Rendered r, string env) =>
        (string?)r.Container["env"]!.AsArray().Single(e => (string?)e!["name"] == env)!["valueFrom"]!["fieldRef"]!["fieldPath"];

    private sealed record Rule(List<string> Groups, List<string> Resources, List<string> Verbs, List<string> Names);

    private static List<Rule> Rules(JsonObject role) =>
        role["rules"]!.AsArray().Select(x => new Rule(
            Strings(x!["apiGroups"]), Strings(x["resources"]), Strings(x["verbs"]), Strings(x["resourceNames"]))).ToList();

    private static List<string> Strings(JsonNode? node) =>
        node?.AsArray().Select(n => (string)n!).ToList() ?? [];

    private static IEnumerable<string> VerbsFor(List<Rule> rules, string group, string resource) =>
        rules.Where(x => x.Groups.Contains(group) && x.Resources.Contains(resource)).SelectMany(x => x.Verbs).Distinct();
}
