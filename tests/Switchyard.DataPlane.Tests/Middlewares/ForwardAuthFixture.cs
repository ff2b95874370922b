using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>The peers of the forwardAuth wire tests: a real auth server, a real backend and a gateway before it.</summary>
public abstract class ForwardAuthFixture
{
    protected GrpcTestBackend Backend { get; private set; } = null!;

    protected TestGateway Gateway { get; private set; } = null!;

    protected AuthServer Auth { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartPeersAsync()
    {
        Backend = await GrpcTestBackend.StartAsync("b", HttpEchoBackend.Options());
        Gateway = await TestGateway.StartAsync(Backend.Address);
        Auth = await AuthServer.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopPeersAsync()
    {
        await Auth.DisposeAsync();
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
