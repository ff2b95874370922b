namespace Switchyard.DataPlane.Metrics;

/// <summary>
/// switchyard_grpc_responses_total of one router: a counter per gRPC status 0..16, plus "none" for gRPC calls
/// that ended without a grpc-status (reset streams, non-gRPC answers).
/// </summary>
internal sealed class GrpcStatusSeries(string labels)
{
    public const int None = 17;

    private readonly long[] _counts = new long[None + 1];

    public string Labels { get; } = labels;

    public void Count(int status) => Interlocked.Increment(ref _counts[status]);

    public long this[int status] => Volatile.Read(ref _counts[status]);
}
