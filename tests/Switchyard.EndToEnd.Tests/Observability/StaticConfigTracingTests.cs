using Switchyard.Configuration;
using Switchyard.DataPlane.Tracing;
using static Switchyard.EndToEnd.Tests.Observability.StaticConfigAccessLogTests;

namespace Switchyard.EndToEnd.Tests.Observability;

/// <summary>tracing in switchyard.yaml: Traefik's keys (pkg/config/static/static_config.go Tracing), read strictly.</summary>
[CancelAfter(10_000)]
public class StaticConfigTracingTests
{
    private const string EntryPoints = """
        entryPoints:
          web:
            address: "127.0.0.1:0"

        """;

    [Test]
    public void WithoutTracing_TracingIsOff() => Assert.That(Load(EntryPoints).Tracing, Is.Null);

    [Test]
    public void AnEmptySection_IsTraefiksDefault_OtlpHttpToLocalhost()
    {
        var options = Load(EntryPoints + "tracing: {}\n").Tracing!;
        Assert.Multiple(() =>
        {
            Assert.That(options.Protocol, Is.EqualTo(OtlpProtocol.Http));
            Assert.That(options.Endpoint, Is.EqualTo(new Uri("https://localhost:4318/v1/traces")));
            Assert.That(options.SampleRate, Is.EqualTo(1.0));
        });
    }

    [Test]
    public void GrpcKeys_AreRead()
    {
        var options = Load(EntryPoints + """
            tracing:
              serviceName: edge
              sampleRate: 0.1
              globalAttributes:
                team: old
                region: eu
              resourceAttributes:
                team: platform
              otlp:
                grpc:
                  endpoint: collector:4317
                  insecure: true
                  headers:
                    x-tenant: a
            """).Tracing!;
        Assert.Multiple(() =>
        {
            Assert.That(options.ServiceName, Is.EqualTo("edge"));
            Assert.That(options.SampleRate, Is.EqualTo(0.1));
            Assert.That(options.ResourceAttributes, Is.EquivalentTo(new Dictionary<string, string> { ["team"] = "platform", ["region"] = "eu" }));
            Assert.That(options.Protocol, Is.EqualTo(OtlpProtocol.Grpc));
            Assert.That(options.Endpoint, Is.EqualTo(new Uri("http://collector:4317")));
            Assert.That(options.Headers["x-tenant"], Is.EqualTo("a"));
        });
    }

    [Test]
    public void CaptureRedactionAndInternalsKeys_AreRead()
    {
        var options = Load(EntryPoints + """
            tracing:
              capturedRequestHeaders: [X-Request-Id, traceparent]
              capturedResponseHeaders: [Content-Type]
              safeQueryParams: [page]
              addInternals: true
            """).Tracing!;
        Assert.Multiple(() =>
        {
            Assert.That(options.CapturedRequestHeaders, Is.EqualTo(new[] { "X-Request-Id", "traceparent" }));
            Assert.That(options.CapturedResponseHeaders, Is.EqualTo(new[] { "Content-Type" }));
            Assert.That(options.SafeQueryParams, Is.EqualTo(new[] { "page" }));
            Assert.That(options.AddInternals, Is.True);
        });
    }

    [TestCase("tracing:\n  sampleRate: 1.5\n", "tracing.sampleRate: 1.5 is not between 0.0 and 1.0")]
    [TestCase("tracing:\n  otlp:\n    http:\n      endpoint: collector\n", "tracing.otlp.http.endpoint: 'collector'")]
    [TestCase("tracing:\n  otlp:\n    grpc: {}\n    http: {}\n", "tracing.otlp: give grpc or http, not both")]
    [TestCase("tracing:\n  capturedRequestHeaders: ['X Id']\n", "tracing.capturedRequestHeaders: 'X Id' is not a header name")]
    [TestCase("tracing:\n  otlp:\n    grpc:\n      tls: {cert: c.pem}\n", "tracing.otlp.grpc.tls: cert and key go together")]
    [TestCase("tracing:\n  otlp:\n    http:\n      tls: {ca: missing-ca.pem}\n", "tracing.otlp.http.tls.ca: 'missing-ca.pem' is neither PEM text nor a readable file")]
    public void BadOrUnsupportedValues_AreErrorsNamingTheKey(string yaml, string message)
    {
        var ex = Assert.Throws<StaticConfigException>(() => Load(EntryPoints + yaml));
        Assert.That(ex!.Message, Does.Contain(message));
    }
}
