using System.Collections.Immutable;
using Switchyard.DataPlane.Tracing;

namespace Switchyard.Configuration;

/// <summary>Checks static config <c>tracing</c> and turns it into <see cref="TracingOptions"/>; errors name the key.</summary>
internal static class TracingConfigReader
{
    public static TracingOptions? Read(TracingConfig? config, string fileName)
    {
        if (config is null)
        {
            return null;
        }

        var where = $"{fileName}: tracing";
        if (config.SampleRate is < 0 or > 1 || double.IsNaN(config.SampleRate))
        {
            throw new StaticConfigException($"{where}.sampleRate: {config.SampleRate} is not between 0.0 and 1.0");
        }

        if (config.Otlp is { Grpc: not null, Http: not null })
        {
            throw new StaticConfigException($"{where}.otlp: give grpc or http, not both");
        }

        var attributes = config.GlobalAttributes.ToImmutableDictionary().SetItems(config.ResourceAttributes);
        var options = new TracingOptions
        {
            ServiceName = config.ServiceName,
            SampleRate = config.SampleRate,
            ResourceAttributes = attributes,
            CapturedRequestHeaders = HeaderNames(config.CapturedRequestHeaders, $"{where}.capturedRequestHeaders"),
            CapturedResponseHeaders = HeaderNames(config.CapturedResponseHeaders, $"{where}.capturedResponseHeaders"),
            SafeQueryParams = [.. config.SafeQueryParams],
            AddInternals = config.AddInternals,
        };
        if (config.Otlp?.Grpc is { } grpc)
        {
            // Traefik's endpoint is host:port, with TLS unless insecure.
            var endpoint = grpc.Endpoint.Contains("://", StringComparison.Ordinal) ? grpc.Endpoint : $"{(grpc.Insecure ? "http" : "https")}://{grpc.Endpoint}";
            return options with { Protocol = OtlpProtocol.Grpc, Endpoint = Absolute(endpoint, $"{where}.otlp.grpc.endpoint"), Headers = grpc.Headers.ToImmutableDictionary() };
        }

        var http = config.Otlp?.Http ?? new OtlpHttpConfig();
        var uri = Absolute(http.Endpoint, $"{where}.otlp.http.endpoint");
        if (uri.AbsolutePath == "/")
        {
            uri = new Uri(uri, "/v1/traces");
        }

        return options with { Protocol = OtlpProtocol.Http, Endpoint = uri, Headers = http.Headers.ToImmutableDictionary() };
    }

    /// <summary>Header names as given (matched case-insensitively); an empty or malformed name is refused.</summary>
    private static ImmutableArray<string> HeaderNames(List<string> names, string where)
    {
        foreach (var name in names)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Any(c => c <= ' ' || c >= 0x7f || c == ':'))
            {
                throw new StaticConfigException($"{where}: '{name}' is not a header name");
            }
        }

        return [.. names.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    private static Uri Absolute(string value, string where) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? uri
            : throw new StaticConfigException($"{where}: '{value}' is not host:port or an http(s) URL");
}
