using System.Text.Json.Nodes;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.Kubernetes.Tests.FakeApi;

/// <summary>/usr/bin/kubectl against the fake API server through a kubeconfig file.</summary>
[CancelAfter(90_000)]
public sealed class FakeApiServerKubectlTests
{
    private FakeApiServer _server = null!;
    private Kubectl _kubectl = null!;
    private string _dir = null!;

    [SetUp]
    public async Task StartAsync()
    {
        if (!Kubectl.IsAvailable)
        {
            Assert.Ignore($"{Kubectl.Path} is not installed");
        }

        _server = await FakeApiServer.StartAsync();
        _dir = Directory.CreateTempSubdirectory("fakekube-").FullName;
        _kubectl = Kubectl.For(_server, _dir);
    }

    [TearDown]
    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_dir is not null)
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private async Task<KubectlResult> Ok(string? stdin, params string[] args)
    {
        var r = await _kubectl.RunAsync(stdin, args);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return r;
    }

    [Test]
    public async Task Kubectl_applies_a_CRD_and_custom_resources_then_edits_and_deletes_them()
    {
        await Ok(WidgetCrd.Yaml, "apply", "--validate=false", "-f", "-");
        var resources = await Ok(null, "api-resources", "--api-group=example.com");
        Assert.That(resources.StdOut, Does.Contain("widgets"));

        const string widget = """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: a, namespace: default}
            spec: {size: 1}
            """;
        var created = await Ok(widget, "apply", "--validate=false", "-f", "-");
        Assert.That(created.StdOut, Does.Contain("widget.example.com/a created"));

        await Ok(widget.Replace("size: 1", "size: 4"), "apply", "--validate=false", "-f", "-");
        var json = JsonNode.Parse((await Ok(null, "get", "widget", "a", "-o", "json")).StdOut)!;
        Assert.That((int)json["spec"]!["size"]!, Is.EqualTo(4));
        Assert.That((int)json["metadata"]!["generation"]!, Is.EqualTo(2));

        var invalid = await _kubectl.RunAsync(widget.Replace("size: 1", "size: 0"), "apply", "--validate=false", "-f", "-");
        Assert.That(invalid.ExitCode, Is.Not.Zero);
        Assert.That(invalid.StdErr, Does.Contain("spec.size"));

        var listed = await Ok(null, "get", "widgets");
        Assert.That(listed.StdOut, Does.Contain("a"));

        await Ok(null, "delete", "widget", "a");
        Assert.That(_server.Get("example.com/v1", "Widget", "default", "a"), Is.Null);
    }

    [Test]
    public async Task Kubectl_applies_core_objects()
    {
        const string manifests = """
            apiVersion: v1
            kind: Service
            metadata: {name: echo, namespace: default}
            spec:
              ports: [{name: grpc, port: 80, targetPort: 5000}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: echo-1
              namespace: default
              labels: {kubernetes.io/service-name: echo}
            addressType: IPv4
            ports: [{name: grpc, port: 5000}]
            endpoints:
            - addresses: [127.0.0.1]
              conditions: {ready: true}
            """;
        var r = await Ok(manifests, "apply", "--validate=false", "-f", "-");
        Assert.That(r.StdOut, Does.Contain("service/echo created").And.Contain("endpointslice.discovery.k8s.io/echo-1 created"));
        var slice = _server.Get("discovery.k8s.io/v1", "EndpointSlice", "default", "echo-1")!;
        Assert.That((string?)slice["endpoints"]![0]!["addresses"]![0], Is.EqualTo("127.0.0.1"));

        r = await Ok(manifests.Replace("127.0.0.1", "127.0.0.2"), "apply", "--validate=false", "-f", "-");
        Assert.That(r.StdOut, Does.Contain("endpointslice.discovery.k8s.io/echo-1 configured"));
        slice = _server.Get("discovery.k8s.io/v1", "EndpointSlice", "default", "echo-1")!;
        Assert.That((string?)slice["endpoints"]![0]!["addresses"]![0], Is.EqualTo("127.0.0.2"));
    }
}
