using System.Collections.Immutable;
using Switchyard.DataPlane.Tracing;

namespace Switchyard.Configuration;

/// <summary>
/// The otlp.grpc / otlp.http keys shared by tracing and metrics.otlp (Traefik's pkg/observability/types/otel.go
/// OTelGRPC, OTelHTTP): grpc endpoint host:port with TLS unless insecure; http a URL (the signal's path added when
/// none is given); Traefik's default when neither is given is http to https://localhost:4318.
/// </summary>
internal static class OtlpEndpoints
{
    public static (OtlpProtocol Protocol, Uri Endpoint, ImmutableDictionary<string, string> Headers) Read(
        OtlpGrpcConfig? grpc, OtlpHttpConfig? http, string where, string signalPath)
    {
        if (grpc is not null && http is not null)
        {
            throw new StaticConfigException($"{where}: give grpc or http, not both");
        }

        if (grpc is not null)
        {
            var endpoint = grpc.Endpoint.Contains("://", StringComparison.Ordinal) ? grpc.Endpoint : $"{(grpc.Insecure ? "http" : "https")}://{grpc.Endpoint}";
            return (OtlpProtocol.Grpc, Absolute(endpoint, $"{where}.grpc.endpoint"), grpc.Headers.ToImmutableDictionary());
        }

        http ??= new OtlpHttpConfig();
        var uri = Absolute(http.Endpoint, $"{where}.http.endpoint");
        if (uri.AbsolutePath == "/")
        {
            uri = new Uri(uri, signalPath);
        }

        return (OtlpProtocol.Http, uri, http.Headers.ToImmutableDictionary());
    }

    private static Uri Absolute(string value, string where) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? uri
            : throw new StaticConfigException($"{where}: '{value}' is not host:port or an http(s) URL");
}
