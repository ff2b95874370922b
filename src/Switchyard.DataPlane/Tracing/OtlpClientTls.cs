using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Switchyard.DataPlane.Forwarding;

namespace Switchyard.DataPlane.Tracing;

/// <summary>
/// otlp.grpc.tls / otlp.http.tls of tracing and metrics.otlp (Traefik's types.ClientTLS, pkg/types/tls.go): the roots
/// the collector's certificate must chain to (the system's when none), the client certificate for mutual TLS, and
/// insecureSkipVerify (no check at all, as Go's). Parsed when the static config is read; the exporter's HttpClient
/// (the SDK sends OTLP/gRPC through an HttpClient too) is made from it.
/// </summary>
public sealed record OtlpClientTls
{
    /// <summary>ca: the roots the collector's chain must lead to; empty = the system's roots.</summary>
    public ImmutableArray<X509Certificate2> RootCas { get; init; } = [];

    /// <summary>cert + key: presented when the collector asks for a client certificate.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    public bool InsecureSkipVerify { get; init; }

    /// <summary>The HttpClient an OTLP exporter sends with (OtlpExporterOptions.HttpClientFactory).</summary>
    internal HttpClient CreateHttpClient(TimeSpan timeout)
    {
        var roots = new X509Certificate2Collection(RootCas.ToArray());
        var ssl = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                InsecureSkipVerify || BackendCertificateValidation.Validate(certificate, errors, roots, checkName: true, serverName: null, peerUri: null),
        };
        if (ClientCertificate is { } client)
        {
            ssl.ClientCertificates = [client];
        }

        return new HttpClient(new SocketsHttpHandler { SslOptions = ssl }) { Timeout = timeout };
    }
}
