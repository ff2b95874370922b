using Switchyard.TestKit;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.EndToEnd.Tests.Kubernetes;

/// <summary>
/// providers.kubernetesGateway.statusAddress end to end (issue 19): the built `switchyard run` (real KubernetesClient)
/// against the fake API server publishes the load-balancer addresses of the Service it names into the Gateways'
/// status.addresses, as kubectl shows them; a change of the Service's status reaches the Gateway; an unchanged Gateway is
/// not written again; a Service that loses its load balancer clears the addresses.
/// </summary>
[CancelAfter(120_000)]
public sealed class GatewayStatusAddressTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private const string PublishedService = """
        apiVersion: v1
        kind: Service
        metadata: {name: switchyard, namespace: default}
        spec:
          type: LoadBalancer
          ports: [{name: web, port: 80}]
        """;

    [Test]
    public async Task The_published_services_load_balancer_addresses_reach_the_gateways_status_and_follow_it()
    {
        if (!Kubectl.IsAvailable)
        {
            Assert.Ignore("kubectl is not installed (scripts/setup.sh)");
        }

        await using var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        GatewayApiCrds.Install(server);
        var dir = Directory.CreateTempSubdirectory("e2e-gwaddr-");
        RunningSwitchyard? run = null;
        try
        {
            var kubectl = Kubectl.For(server, dir.FullName);
            var kubeconfig = server.WriteKubeconfig(Path.Combine(dir.FullName, "switchyard.kubeconfig"), token: "test");
            // The Gateway's listener names the web entry point's port, so that port is chosen before the start.
            (run, var ports) = await SwitchyardProcess.StartOnFreePortsAsync(1, async p =>
            {
                var config = Path.Combine(dir.FullName, "switchyard.yaml");
                await File.WriteAllTextAsync(config, $$"""
                    entryPoints:
                      web:
                        address: "127.0.0.1:{{p[0]}}"
                    providers:
                      kubernetesGateway:
                        enabled: true
                        statusAddress:
                          service: {name: switchyard, namespace: default}
                    """);
                return config;
            }, ["web"], ready: false, environment: new Dictionary<string, string> { ["KUBECONFIG"] = kubeconfig });
            var web = ports[0];

            async Task<string> GetAsync(string name, string jsonPath)
            {
                var got = await kubectl.RunAsync(null, "get", "gateway", name, "-n", "default", "-o", "jsonpath=" + jsonPath);
                return got.ExitCode == 0 ? got.StdOut : got.ToString();
            }

            Task<string> AddressesAsync(string name) => GetAsync(name, "{range .status.addresses[*]}{.type}={.value} {end}");

            async Task PatchServiceStatusAsync(string status)
            {
                var patched = await kubectl.RunAsync(null, "patch", "service", "switchyard", "-n", "default", "--subresource=status", "--type=merge", "-p", status);
                Assert.That(patched.ExitCode, Is.Zero, patched.ToString());
            }

            var applied = await kubectl.RunAsync(GatewayApiManifests.GatewayAndClass($"name: web, port: {web}, protocol: HTTP") + "\n---\n" + PublishedService,
                "apply", "--validate=false", "-f", "-");
            Assert.That(applied.ExitCode, Is.Zero, applied.ToString());

            // The Service has no load-balancer address yet: the Gateway is programmed, with no addresses.
            await Wait.UntilAsync(async () => await GetAsync("gw", "{.status.conditions[?(@.type==\"Programmed\")].status}") == "True", Timeout,
                "the Gateway programmed (kubectl)");
            Assert.That(await AddressesAsync("gw"), Is.Empty);

            // The cloud assigns addresses: both reach the Gateway, typed.
            await PatchServiceStatusAsync("""{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.7"},{"hostname":"lb.example.com"}]}}}""");
            await Wait.UntilAsync(async () => await AddressesAsync("gw") == "IPAddress=203.0.113.7 Hostname=lb.example.com ", Timeout,
                "the Service's addresses in the Gateway's status (kubectl)");

            // A new address replaces them.
            await PatchServiceStatusAsync("""{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.8"}]}}}""");
            await Wait.UntilAsync(async () => await AddressesAsync("gw") == "IPAddress=203.0.113.8 ", Timeout, "the new address in the Gateway's status");

            // Written only when changed: a second Gateway gets its status in a later pass (after gw's turn in it), gw is not written again.
            var version = await GetAsync("gw", "{.metadata.resourceVersion}");
            applied = await kubectl.RunAsync(GatewayApiManifests.Gateway("second", $"name: web, port: {web}, protocol: HTTP"), "apply", "--validate=false", "-f", "-");
            Assert.That(applied.ExitCode, Is.Zero, applied.ToString());
            await Wait.UntilAsync(async () => await AddressesAsync("second") == "IPAddress=203.0.113.8 ", Timeout, "the second Gateway's addresses");
            Assert.That(await GetAsync("gw", "{.metadata.resourceVersion}"), Is.EqualTo(version), "the unchanged Gateway was not written again");

            // The Service loses its load balancer: the addresses are cleared.
            await PatchServiceStatusAsync("""{"status":{"loadBalancer":{"ingress":null}}}""");
            await Wait.UntilAsync(async () => await AddressesAsync("gw") == "" && await AddressesAsync("second") == "", Timeout, "the addresses cleared");
        }
        catch (TimeoutException e) when (run is not null)
        {
            Assert.Fail($"{e.Message}\nswitchyard output:\n{SwitchyardProcess.Text(run.Output)}");
        }
        finally
        {
            if (run is not null)
            {
                await SwitchyardProcess.StopAsync(run.Process);
                run.Process.Dispose();
            }

            dir.Delete(recursive: true);
        }
    }
}
