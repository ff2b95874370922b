using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Middlewares;

/// <summary>The body and protocol family: buffering, compress, grpcWeb.</summary>
internal static class BodyMappers
{
    // Traefik's default for memRequestBodyBytes and memResponseBodyBytes (1 MiB).
    private const long DefaultMemBytes = 1048576;

    public static BufferingConfig Buffering(MiddlewareMapping m, Buffering b)
    {
        foreach (var (value, field) in new[] { (b.MaxRequestBodyBytes, "maxRequestBodyBytes"), (b.MemRequestBodyBytes, "memRequestBodyBytes"),
                     (b.MaxResponseBodyBytes, "maxResponseBodyBytes"), (b.MemResponseBodyBytes, "memResponseBodyBytes") })
        {
            if (value is < 0)
            {
                m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", $"{m.Field}.{field}", $"{field} must not be negative (got {value})");
            }
        }

        RetryExpression? retry = null;
        if (!string.IsNullOrEmpty(b.RetryExpression))
        {
            // Traefik refuses the middleware when oxy cannot parse it (buffering.New fails).
            retry = RetryExpression.TryParse(b.RetryExpression, out var error);
            if (retry is null)
            {
                m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidExpression", m.Field + ".retryExpression", error!);
            }
        }

        return new BufferingConfig(b.MaxRequestBodyBytes ?? 0, b.MemRequestBodyBytes ?? DefaultMemBytes, b.MaxResponseBodyBytes ?? 0,
            b.MemResponseBodyBytes ?? DefaultMemBytes) { RetryExpression = retry };
    }

    public static CompressConfig Compress(MiddlewareMapping m, Compress c)
    {
        if (c.ExcludedContentTypes is { Count: > 0 } && c.IncludedContentTypes is { Count: > 0 })
        {
            m.Invalid(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", m.Field + ".includedContentTypes", "excludedContentTypes and includedContentTypes cannot both be set");
        }

        return new CompressConfig([.. c.ExcludedContentTypes ?? []], [.. c.IncludedContentTypes ?? []], c.MinResponseBodyBytes ?? 1024,
            c.Encodings is { Count: > 0 } e ? [.. e] : ["zstd", "br", "gzip"], MiddlewareMapping.NullIfEmpty(c.DefaultEncoding));
    }

    public static GrpcWebConfig GrpcWeb(MiddlewareMapping m, GrpcWeb g) => new([.. g.AllowOrigins ?? []]);
}
