using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// Hands a grpc-status that left in the response body (the grpcWeb middleware's trailer frame) to the metrics,
/// and the access log, which otherwise only see headers and HTTP trailers. Written only when either is on; read
/// without creating the Items dictionary when nothing was written.
/// </summary>
public static class GrpcStatusReport
{
    private static readonly object Key = new();
    private static readonly object MessageKey = new();

    public static void Set(HttpContext context, string status, string? message = null)
    {
        context.Items[Key] = status;
        if (message is not null)
        {
            context.Items[MessageKey] = message;
        }
    }

    internal static string? Message(HttpContext context) =>
        context.Features.Get<IItemsFeature>() is { } items && items.Items.TryGetValue(MessageKey, out var value) ? value as string : null;

    internal static string? Get(HttpContext context) =>
        context.Features.Get<IItemsFeature>() is { } items && items.Items.TryGetValue(Key, out var value) ? value as string : null;
}
