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

    private readonly Lock _serviceLock = new();
    private HealthServiceImpl? _service;

    public GatewayHealth(TableHolder tables)
    {
        _tables = tables;
        tables.TablePublished += _ => Publish();
    }

    /// <summary>The grpc.health.v1 implementation served on the admin entry point, made at the first gRPC health call.</summary>
    /// <remarks>
    /// Not in the constructor: HealthServiceImpl's types load Grpc.HealthCheck, Grpc.Core.Api and Google.Protobuf, which
    /// a gateway probed over HTTP only never needs (idle RSS, docs/performance-log.md, 2026-12-07 15:50).
    /// </remarks>
    public HealthServiceImpl Service
    {
        get
        {
            lock (_serviceLock)
            {
                if (_service is null)
                {
                    _service = new HealthServiceImpl();
                    SetStatus(_service, IsReady);
                }

                return _service;
            }
        }
    }

    public bool IsReady => _listenersUp && _tables.HasAppliedTable;

    public void SetListenersUp(bool up)
    {
        _listenersUp = up;
        Publish();
    }

    private void Publish()
    {
        lock (_serviceLock)
        {
            if (_service is not null)
            {
                SetStatus(_service, IsReady);
            }
        }
    }

    private static void SetStatus(HealthServiceImpl service, bool ready)
    {
        var status = ready ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing;
        service.SetStatus("", status);
        service.SetStatus("switchyard", status);
    }
}
