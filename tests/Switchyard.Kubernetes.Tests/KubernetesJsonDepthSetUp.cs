using Switchyard.Model.Loading;

/// <summary>
/// For the whole assembly, like Program.cs does for the process: KubernetesClient's shared JSON options (watch
/// events) become read-only at their first use, so the API server's nesting limit is raised before any test watches.
/// Without this, DeepObjectTests depended on running before every other watching test.
/// </summary>
[SetUpFixture]
public sealed class KubernetesJsonDepthSetUp
{
    [OneTimeSetUp]
    public void RaiseDepth() =>
        Assert.That(ManifestLimits.RaiseKubernetesClientDepth(), Is.True, "KubernetesClient's JSON options were already in use");
}
