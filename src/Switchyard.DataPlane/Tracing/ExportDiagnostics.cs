using System.Diagnostics.Tracing;
using Microsoft.Extensions.Logging;

namespace Switchyard.DataPlane.Tracing;

/// <summary>
/// Brings the OpenTelemetry SDK's own trouble reports into the gateway's log. The SDK says only on its self-diagnostics
/// EventSource ("OpenTelemetry-Sdk") that the batch processor dropped spans because its bounded queue was full
/// (event ExistsDroppedExportProcessorItems, with the count, when the provider shuts down): a closed-loop load that
/// records spans faster than the exporter thread sends them loses them there, silently otherwise. Only warnings and
/// errors are enabled, so a running gateway pays nothing for this.
/// </summary>
internal sealed partial class ExportDiagnostics : EventListener
{
    private const string SdkSource = "OpenTelemetry-Sdk";
    private const int DroppedItemsEvent = 32; // OpenTelemetrySdkEventSource.ExistsDroppedExportProcessorItems

    // EventListener calls OnEventSourceCreated from its own constructor, before this type's fields are set.
    private readonly ILogger? _logger;

    public ExportDiagnostics(ILogger logger)
    {
        _logger = logger;
        foreach (var source in EventSource.GetSources())
        {
            if (source.Name == SdkSource)
            {
                EnableEvents(source, EventLevel.Warning);
            }
        }
    }

    /// <summary>Spans dropped so far as the SDK reported them (it reports at shutdown).</summary>
    public long Dropped { get; private set; }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == SdkSource && _logger is not null)
        {
            EnableEvents(eventSource, EventLevel.Warning);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (_logger is null || e.EventSource.Name != SdkSource)
        {
            return;
        }

        if (e.EventId == DroppedItemsEvent && e.Payload is [_, _, long dropped, ..])
        {
            Dropped += dropped;
            LogDropped(_logger, dropped);
            return;
        }

        var payload = e.Payload is null ? "" : string.Join(", ", e.Payload);
        LogSdkEvent(_logger, e.EventName ?? e.EventId.ToString(System.Globalization.CultureInfo.InvariantCulture), payload);
    }

    [LoggerMessage(EventId = 5400, Level = LogLevel.Warning,
        Message = "tracing: the OTLP batch processor dropped {Count} spans because its queue was full (OTEL_BSP_MAX_QUEUE_SIZE, default 2048)")]
    private static partial void LogDropped(ILogger logger, long count);

    [LoggerMessage(EventId = 5401, Level = LogLevel.Warning, Message = "tracing: OpenTelemetry SDK reports {Event}: {Payload}")]
    private static partial void LogSdkEvent(ILogger logger, string @event, string payload);
}
