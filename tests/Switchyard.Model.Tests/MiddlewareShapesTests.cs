using Switchyard.Model.Diagnostics;

namespace Switchyard.Model.Tests;

/// <summary>Every middleware type with nested fields reads without diagnostics and lands in the right property.</summary>
[CancelAfter(20_000)]
public class MiddlewareShapesTests
{
    private static ClusterSnapshot Load(string spec) => ManifestLoader.LoadText(
        $"apiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata: {{name: m}}\nspec:\n{spec}", "m.yaml");

    [TestCase("  addPrefix: {prefix: /p}")]
    [TestCase("  stripPrefixRegex: {regex: ['^/a']}")]
    [TestCase("  replacePath: {path: /x}")]
    [TestCase("  replacePathRegex: {regex: '^/a(.*)', replacement: '/b$1'}")]
    [TestCase("  chain: {middlewares: [{name: a}, {name: b, namespace: other}]}")]
    [TestCase("  ipAllowList: {sourceRange: [10.0.0.0/8], rejectStatusCode: 404, ipStrategy: {depth: 2, excludedIPs: [1.2.3.4]}}")]
    [TestCase("  ipWhiteList: {sourceRange: [127.0.0.1/32]}")]
    [TestCase("  headers: {accessControlAllowMethods: [GET], accessControlMaxAge: 100, addVaryHeader: true, stsSeconds: 315, forceSTSHeader: true, browserXssFilter: true, customBrowserXSSValue: x, permissionsPolicy: p, sslProxyHeaders: {X-Forwarded-Proto: https}}")]
    [TestCase("  errors: {status: ['500-599'], statusRewrites: {'418': 404}, query: '/{status}.html', service: {name: err, port: 80}}")]
    [TestCase("  rateLimit: {average: 100, period: 1m, burst: 50, sourceCriterion: {requestHeaderName: X-User, requestHost: false}}")]
    [TestCase("  redirectRegex: {regex: '^http://(.*)', replacement: 'https://$1', permanent: true}")]
    [TestCase("  redirectScheme: {scheme: https, port: '443', permanent: true}")]
    [TestCase("  basicAuth: {secret: users, realm: r, removeHeader: true, headerField: X-User}")]
    [TestCase("  digestAuth: {secret: users}")]
    [TestCase("  forwardAuth: {address: 'https://auth', trustForwardHeader: true, authResponseHeaders: [X-User], tls: {caSecret: ca, certSecret: c, insecureSkipVerify: false}, maxBodySize: 10, forwardBody: true}")]
    [TestCase("  inFlightReq: {amount: 10, sourceCriterion: {ipStrategy: {depth: 1}}}")]
    [TestCase("  buffering: {maxRequestBodyBytes: 1000, memRequestBodyBytes: 100, retryExpression: 'IsNetworkError() && Attempts() < 2'}")]
    [TestCase("  circuitBreaker: {expression: 'NetworkErrorRatio() > 0.5', checkPeriod: 100ms, fallbackDuration: 10, recoveryDuration: 10s, responseCode: 503}")]
    [TestCase("  compress: {excludedContentTypes: [text/event-stream], minResponseBodyBytes: 1024, encodings: [gzip, br], defaultEncoding: gzip}")]
    [TestCase("  passTLSClientCert: {pem: true, info: {notAfter: true, sans: true, subject: {commonName: true, organizationalUnit: true}, issuer: {country: true}}}")]
    [TestCase("  retry: {attempts: 3, initialInterval: 100ms, timeout: 2, status: ['502'], retryNonIdempotentMethod: true}")]
    [TestCase("  contentType: {autoDetect: false}")]
    [TestCase("  encodedCharacters: {allowEncodedSlash: true, allowEncodedHash: false}")]
    [TestCase("  grpcWeb: {allowOrigins: ['*']}")]
    [TestCase("  plugin: {my-plugin: {any: [thing, 1, {nested: true}]}}")]
    public void Middleware_type_reads_cleanly(string spec)
    {
        var s = Load(spec);
        Assert.That(s.LoadDiagnostics.Select(d => d.Format()), Is.Empty);
        Assert.That(s.Middlewares, Has.Length.EqualTo(1));
        var json = k8s.KubernetesJson.Serialize(s.Middlewares[0].Spec);
        var key = spec.Trim().Split(':')[0];
        Assert.That(json, Does.Contain($"\"{key}\":{{"), "the value landed in its own property and serializes back under Traefik's name");
    }

    [Test]
    public void Wrong_type_deep_inside_a_middleware_names_the_full_path()
    {
        var s = Load("  rateLimit:\n    sourceCriterion:\n      ipStrategy:\n        depth: deep\n");
        var d = s.LoadDiagnostics.Single();
        Assert.Multiple(() =>
        {
            Assert.That(d.Code, Is.EqualTo(DiagnosticCodes.InvalidValue));
            Assert.That(d.Field, Is.EqualTo("spec.rateLimit.sourceCriterion.ipStrategy.depth"));
            Assert.That(d.Location, Is.EqualTo(new SourceLocation("m.yaml", 8, 9)));
            Assert.That(s.Middlewares, Is.Empty);
        });
    }
}
