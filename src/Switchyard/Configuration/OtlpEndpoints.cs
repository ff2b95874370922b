using System.Collections.Immutable;
using Switchyard.DataPlane.Tracing;

namespace Switchyard.Configuration;

/// <summary>Where and how an OTLP exporter sends: read from otlp.grpc or otlp.http.</summary>
internal sealed record OtlpExport(OtlpProtocol Protocol, Uri Endpoint, ImmutableDictionary<string, string> Headers, OtlpClientTls? Tls);

/// <summary>
/// The otlp.grpc / otlp.http keys shared by tracing and metrics.otlp (Traefik's pkg/observability/types/otel.go
/// OTelGRPC, OTelHTTP): grpc endpoint host:port with TLS unless insecure (a tls block wins over insecure, as the
/// later option does in Traefik's exporter set-up); http a URL (the signal's path added when none is given);
/// Traefik's default when neither is given is http to https://localhost:4318.
/// </summary>
internal static class OtlpEndpoints
{
    public static OtlpExport Read(OtlpGrpcConfig? grpc, OtlpHttpConfig? http, string where, string signalPath, string baseDirectory)
    {
        if (grpc is not null && http is not null)
        {
            throw new StaticConfigException($"{where}: give grpc or http, not both");
        }

        if (grpc is not null)
        {
            var plain = grpc.Insecure && grpc.Tls is null;
            var endpoint = grpc.Endpoint.Contains("://", StringComparison.Ordinal) ? grpc.Endpoint : $"{(plain ? "http" : "https")}://{grpc.Endpoint}";
            return new(OtlpProtocol.Grpc, Absolute(endpoint, $"{where}.grpc.endpoint"), grpc.Headers.ToImmutableDictionary(),
                OtlpTlsReader.Read(grpc.Tls, $"{where}.grpc.tls", baseDirectory));
        }

        http ??= new OtlpHttpConfig();
        var uri = Absolute(http.Endpoint, $"{where}.http.endpoint");
        if (uri.AbsolutePath == "/")
        {
            uri = new Uri(uri, signalPath);
        }

        return new(OtlpProtocol.Http, uri, http.Headers.ToImmutableDictionary(), OtlpTlsReader.Read(http.Tls, $"{where}.http.tls", baseDirectory));
    }

    private static Uri Absolute(string value, string where) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? uri
            : throw new StaticConfigException($"{where}: '{value}' is not host:port or an http(s) URL");
}
