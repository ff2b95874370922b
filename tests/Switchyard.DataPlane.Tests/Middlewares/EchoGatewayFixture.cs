using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>
/// The peers of most middleware wire tests: a real gRPC backend that also echoes plain HTTP (<see cref="HttpEchoBackend"/>),
/// counting every request that reaches it, and a gateway before it whose middlewares each test sets.
/// </summary>
public abstract class EchoGatewayFixture
{
    /// <summary>Every request that reached the backend, whatever its method or protocol.</summary>
    protected RequestCounter Requests { get; } = new();

    protected GrpcTestBackend Backend { get; private set; } = null!;

    protected TestGateway Gateway { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartPeersAsync()
    {
        Backend = await GrpcTestBackend.StartAsync("b", HttpEchoBackend.Options(counter: Requests));
        Gateway = await TestGateway.StartAsync(Backend.Address);
    }

    [OneTimeTearDown]
    public async Task StopPeersAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
