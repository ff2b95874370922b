using Grpc.Health.V1;
using Grpc.HealthCheck;
using Switchyard.DataPlane.Swap;

namespace Switchyard.DataPlane.Admin;

/// <summary>
/// The gateway's own health, for Kubernetes probes: alive while the process runs; ready when every listener
/// is bound AND a first table from a source was applied (before that, routes would 404). grpc.health.v1
/// reports NOT_SERVING until ready, SERVING after (service "" and "switchyard").
/// </summary>
public sealed class GatewayHealth
{
    private readonly TableHolder _tables;
    private volatile bool _listenersUp;

    public GatewayHealth(TableHolder tables)
    {
        _tables = tables;
        Service = new HealthServiceImpl();
        Publish();
        tables.TablePublished += _ => Publish();
    }

    /// <summary>The grpc.health.v1 implementation served on the admin entry point.</summary>
    public HealthServiceImpl Service { get; }

    public bool IsReady => _listenersUp && _tables.HasAppliedTable;

    public void SetListenersUp(bool up)
    {
        _listenersUp = up;
        Publish();
    }

    private void Publish()
    {
        var status = IsReady ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing;
        Service.SetStatus("", status);
        Service.SetStatus("switchyard", status);
    }
}
