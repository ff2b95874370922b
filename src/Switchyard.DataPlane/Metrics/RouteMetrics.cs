namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// The series one router's requests feed, resolved when the table is built (not per request). Null members are
/// series turned off by the options (addRoutersLabels / addServicesLabels).
/// <see cref="Measured"/> is false for a router with <c>observability.metrics: false</c>: none of its calls is counted.
/// </summary>
internal sealed record RouteMetrics(RequestSeries? Router, RequestSeries? Service, GrpcStatusSeries Grpc, bool Measured);
