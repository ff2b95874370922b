using System.Net;
using System.Text.Json.Nodes;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.EndToEnd.Tests.Kubernetes;
using Switchyard.Kubernetes;
using Switchyard.Routing;
using Switchyard.TestKit;
using Switchyard.TestKit.FakeKube;

namespace Switchyard.EndToEnd.Tests.Conformance;

/// <summary>
/// The shared set-up of every conformance test (upstream's conformance/base/manifests.yaml, written for us): the fake
/// API server with the vendored Gateway API CRDs, the three namespaces, our GatewayClass, the base Gateways, one real
/// echo backend per upstream Deployment behind its Service and EndpointSlice, and one operator replica whose "web"
/// (port 80), "websecure" (port 443, TLS) and "web8080"/"web8090" (ports 8080/8090) entry points stand for the Gateways' listeners. Started once for the
/// whole namespace by <see cref="ConformanceSetUp"/>; each test adds and removes only its own objects.
/// </summary>
internal sealed class ConformanceEnvironment : IAsyncDisposable
{
    public const string GatewayClass = "switchyard";
    public const string Infra = "gateway-conformance-infra";
    public const string AppBackend = "gateway-conformance-app-backend";
    public const string WebBackend = "gateway-conformance-web-backend";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static readonly (string Name, string Namespace)[] Deployments =
    [
        ("infra-backend-v1", Infra), ("infra-backend-v2", Infra), ("infra-backend-v3", Infra),
        ("app-backend-v1", AppBackend), ("app-backend-v2", AppBackend), ("web-backend", WebBackend),
        ("grpc-infra-backend-v1", Infra), ("grpc-infra-backend-v2", Infra), ("grpc-infra-backend-v3", Infra),
    ];

    private static ConformanceEnvironment? _current;

    private ConformanceEnvironment(FakeApiServer server, Dictionary<string, ConformanceBackend> backends, ConformanceBackend tlsBackend)
    {
        Server = server;
        Backends = backends;
        TlsBackend = tlsBackend;
    }

    public static ConformanceEnvironment Current => _current ?? throw new InvalidOperationException("the conformance environment is not started");

    public FakeApiServer Server { get; }

    public InProcessOperator Operator { get; private set; } = null!;

    public IReadOnlyDictionary<string, ConformanceBackend> Backends { get; }

    /// <summary>
    /// Upstream's tls-backend: an echo backend serving HTTPS with the certificate of Secret tls-checks-certificate
    /// (abc.example.com, spiffe://abc.example.com/test-identity, other.example.com) signed by <see cref="TlsChecksCa"/>.
    /// </summary>
    public ConformanceBackend TlsBackend { get; }

    /// <summary>The CA of ConfigMap tls-checks-ca-certificate (signs the tls-backend's certificate).</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2 TlsChecksCa { get; } = TestCertificates.CreateCa("tls-checks CA");

    /// <summary>The CA of ConfigMap mismatch-ca-certificate (signs nothing: validation against it fails).</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2 MismatchCa { get; } = TestCertificates.CreateCa("mismatch CA");

    /// <summary>The CA of the HTTPS listener's certificate (Secret tls-validity-checks-certificate).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 Ca { get; } = TestCertificates.CreateCa("Conformance CA");

    public int HttpPort => Operator.Host.Endpoint("web").Port;

    public int HttpsPort => Operator.Host.Endpoint("websecure").Port;

    /// <summary>The real port of the entry point standing for listener port 8080.</summary>
    public int Http8080Port => Operator.Host.Endpoint("web8080").Port;

    /// <summary>The real port of the entry point standing for listener port 8090.</summary>
    public int Http8090Port => Operator.Host.Endpoint("web8090").Port;

    public static async Task StartAsync()
    {
        var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        GatewayApiCrds.Install(server);
        var backends = new Dictionary<string, ConformanceBackend>(StringComparer.Ordinal);
        foreach (var (name, ns) in Deployments)
        {
            backends[name] = await ConformanceBackend.StartAsync(name, ns);
        }

        var tlsChecks = TestCertificates.IssueServerWithUri(TlsChecksCa, "spiffe://abc.example.com/test-identity", "abc.example.com", "other.example.com");
        var tlsBackend = await ConformanceBackend.StartAsync("tls-backend", Infra, tlsChecks);
        var env = new ConformanceEnvironment(server, backends, tlsBackend);
        _current = env;
        server.ApplyYaml(ConformanceManifests.Base(env));
        env.Operator = await InProcessOperator.StartAsync(server,
            options: new KubernetesSourceOptions { InitialBackoff = TimeSpan.FromMilliseconds(20), GatewayApi = new GatewayApiSourceOptions() },
            entryPoints:
            [
                new EntryPointOptions { Name = "web", Endpoint = new IPEndPoint(IPAddress.Loopback, 0) },
                new EntryPointOptions { Name = "websecure", Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Tls = true },
                new EntryPointOptions { Name = "web8080", Endpoint = new IPEndPoint(IPAddress.Loopback, 0) },
                new EntryPointOptions { Name = "web8090", Endpoint = new IPEndPoint(IPAddress.Loopback, 0) },
            ],
            provider: ProviderOptions.Default with { EntryPointPorts = [new("web", 80, false), new("websecure", 443, true), new("web8080", 8080, false), new("web8090", 8090, false)] });
        await Wait.UntilAsync(() => env.Operator.Serving?.Gateways.Length >= 4, Timeout, "the base Gateways compiled");
    }

    public static async Task StopAsync()
    {
        if (_current is { } env)
        {
            _current = null;
            await env.DisposeAsync();
        }
    }

    /// <summary>Waits until the table serving now was compiled from a snapshot satisfying <paramref name="condition"/>.</summary>
    public Task UntilServingAsync(Func<Switchyard.Model.ClusterSnapshot, bool> condition, string what) =>
        Wait.UntilAsync(() => Operator.Serving is { } s && condition(s), Timeout, what);

    public JsonObject? Get(string kind, string ns, string name) =>
        Server.Get(kind switch
        {
            "Service" or "Secret" => "v1",
            "ReferenceGrant" => "gateway.networking.k8s.io/v1beta1",
            _ => "gateway.networking.k8s.io/v1",
        }, kind, ns, name);

    public async ValueTask DisposeAsync()
    {
        if (Operator is not null)
        {
            await Operator.DisposeAsync();
        }

        foreach (var backend in Backends.Values.Append(TlsBackend))
        {
            await backend.DisposeAsync();
        }

        await Server.DisposeAsync();
        Ca.Dispose();
    }
}

/// <summary>Starts the shared <see cref="ConformanceEnvironment"/> once for every conformance test.</summary>
[SetUpFixture]
public sealed class ConformanceSetUp
{
    [OneTimeSetUp]
    public Task StartAsync() => ConformanceEnvironment.StartAsync();

    [OneTimeTearDown]
    public Task StopAsync() => ConformanceEnvironment.StopAsync();
}
