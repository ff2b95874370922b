using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// Hands a grpc-status that left in the response body (the grpcWeb middleware's trailer frame) to the metrics,
/// which otherwise only see headers and HTTP trailers. Written only when metrics are on; read without creating
/// the Items dictionary when nothing was written.
/// </summary>
public static class GrpcStatusReport
{
    private static readonly object Key = new();

    public static void Set(HttpContext context, string status) => context.Items[Key] = status;

    internal static string? Get(HttpContext context) =>
        context.Features.Get<IItemsFeature>() is { } items && items.Items.TryGetValue(Key, out var value) ? value as string : null;
}
