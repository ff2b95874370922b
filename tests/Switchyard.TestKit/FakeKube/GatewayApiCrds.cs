namespace Switchyard.TestKit.FakeKube;

/// <summary>Installs the vendored upstream Gateway API CRDs (crds/gateway-api/*.yaml, standard channel) into a <see cref="FakeApiServer"/>.</summary>
public static class GatewayApiCrds
{
    public static void Install(FakeApiServer server)
    {
        var folder = FakeApiServer.FindRepoCrdsFolder() is { } crds ? Path.Combine(crds, "gateway-api") : null;
        if (folder is null || !Directory.Exists(folder))
        {
            throw new InvalidOperationException("crds/gateway-api not found above the test binaries");
        }

        server.InstallCrds(folder);
    }
}
