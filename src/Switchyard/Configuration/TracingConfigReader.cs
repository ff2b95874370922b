using System.Collections.Immutable;
using Switchyard.DataPlane.Tracing;

namespace Switchyard.Configuration;

/// <summary>Checks static config <c>tracing</c> and turns it into <see cref="TracingOptions"/>; errors name the key.</summary>
internal static class TracingConfigReader
{
    public static TracingOptions? Read(TracingConfig? config, string fileName, string baseDirectory)
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
        var export = OtlpEndpoints.Read(config.Otlp?.Grpc, config.Otlp?.Http, $"{where}.otlp", "/v1/traces", baseDirectory);
        return options with { Protocol = export.Protocol, Endpoint = export.Endpoint, Headers = export.Headers, Tls = export.Tls };
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
}
