using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Switchyard.Demo;

/// <summary>
/// The three backends the seed manifests point at: user-v1 (h2c 127.0.0.1:50051), user-v2 (h2c :50052) and
/// user-secure (HTTPS with ALPN h2, self-signed for "localhost", :50443).
/// </summary>
internal static class DemoBackends
{
    public static async Task<int> ServeAsync(int v1Port, int v2Port, int securePort, CancellationToken cancellationToken)
    {
        using var certificate = SelfSigned("localhost");
        return await RunAsync(
            [Build("user-v1", v1Port, null, IPAddress.Loopback), Build("user-v2", v2Port, null, IPAddress.Loopback), Build("user-secure", securePort, certificate, IPAddress.Loopback)],
            $"demo backends: user-v1 h2c 127.0.0.1:{v1Port}, user-v2 h2c 127.0.0.1:{v2Port}, user-secure https 127.0.0.1:{securePort}",
            cancellationToken);
    }

    /// <summary>
    /// One h2c backend on all interfaces, answering with <paramref name="name"/> (a pod's name): the backend
    /// Deployment of the kind end-to-end test.
    /// </summary>
    public static Task<int> ServePodAsync(string name, int port, CancellationToken cancellationToken) =>
        RunAsync([Build(name, port, null, IPAddress.Any)], $"demo backend {name}: h2c 0.0.0.0:{port}", cancellationToken);

    private static async Task<int> RunAsync(WebApplication[] apps, string banner, CancellationToken cancellationToken)
    {
        foreach (var app in apps)
        {
            await app.StartAsync(cancellationToken);
        }

        Console.WriteLine(banner);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        foreach (var app in apps)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }

        return 0;
    }

    private static WebApplication Build(string name, int port, X509Certificate2? certificate, IPAddress address)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new BackendName(name));
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, port, listen =>
        {
            if (certificate is null)
            {
                listen.Protocols = HttpProtocols.Http2; // h2c: HTTP/2 with prior knowledge
            }
            else
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        app.MapGrpcService<UserServiceImpl>();
        return app;
    }

    private static X509Certificate2 SelfSigned(string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }
}
