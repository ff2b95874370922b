using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.HealthChecks;

/// <summary>
/// gRPC mode: grpc.health.v1 <c>Health/Check</c> with the service name <c>GrpcService</c> (empty = the whole
/// server). Healthy only on SERVING. Works for any Service and over TLS with the ServersTransport — Traefik's
/// gRPC check does neither. The check's headers go as metadata, <c>hostname</c> as :authority.
/// </summary>
public sealed class GrpcHealthProbe : IHealthProbe
{
    private readonly GrpcChannel _channel;
    private readonly Grpc.Health.V1.Health.HealthClient _client;
    private readonly HealthCheckRequest _request;
    private readonly Metadata _headers = new();

    public GrpcHealthProbe(HealthCheckTarget target, HealthCheckConfig config, SocketsHttpHandler handler)
    {
        HttpMessageHandler outer = string.IsNullOrEmpty(config.Hostname) ? handler : new HostOverrideHandler(config.Hostname, handler);
        _channel = GrpcChannel.ForAddress(target.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = outer,
            DisposeHttpClient = true,
            // One attempt per interval: the checker decides what a failure means.
            MaxRetryAttempts = 0,
        });
        _client = new Grpc.Health.V1.Health.HealthClient(_channel);
        _request = new HealthCheckRequest { Service = config.GrpcService ?? "" };
        foreach (var (name, value) in config.Headers)
        {
            _headers.Add(name.ToLowerInvariant(), value);
        }

        Target = target.BaseAddress;
    }

    public Uri Target { get; }

    public async Task<ProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            var reply = await _client.CheckAsync(_request, _headers, cancellationToken: cancellationToken);
            var serving = reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
            return new ProbeResult(serving, "grpc.health.v1 status " + reply.Status);
        }
        catch (RpcException ex) when (cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(false, "timed out (" + ex.StatusCode + ")");
        }
        catch (RpcException ex)
        {
            return new ProbeResult(false, "grpc.health.v1 call failed: " + ex.StatusCode + " " + ex.Status.Detail);
        }
        catch (OperationCanceledException)
        {
            return new ProbeResult(false, "timed out");
        }
    }

    public void Dispose() => _channel.Dispose();
}
