using System.Diagnostics;
using Switchyard.Kubernetes.Tests.Source;
using Switchyard.TestKit;
using Testcontainers.K3s;

namespace Switchyard.Kubernetes.Tests.K3s;

/// <summary>
/// The source against a real k3s API server (Testcontainers). Needs a Docker engine: where none answers the
/// test is ignored with that reason (reported as skipped, never as a pass).
/// </summary>
[CancelAfter(300_000)]
public sealed class K3sClusterTests
{
    private static bool DockerAnswers()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("docker", "info") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (p is null)
            {
                return false;
            }

            if (!p.WaitForExit(10_000))
            {
                p.Kill(entireProcessTree: true);
                return false;
            }

            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no docker CLI
        }
    }

    [Test]
    public async Task The_source_publishes_a_snapshot_from_a_real_k3s_cluster(CancellationToken ct)
    {
        if (!DockerAnswers())
        {
            Assert.Ignore("SKIPPED: no Docker engine (docker info failed); the k3s test needs one");
        }

        await using var k3s = new K3sBuilder("rancher/k3s:v1.32.3-k3s1").Build();
        await k3s.StartAsync(ct);
        var kubeconfig = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(kubeconfig, await k3s.GetKubeconfigAsync(), ct);
            using var client = new k8s.Kubernetes(KubernetesClientFactory.BuildConfiguration(kubeconfig));
            await using var run = new SourceRun(new KubernetesSnapshotSource(client));
            await Wait.UntilAsync(() => run.Latest is not null, TimeSpan.FromMinutes(1), "a snapshot from k3s");
            Assert.That(run.Latest!.Services.Any(s => s.Metadata.Name == "kubernetes"), Is.True);
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }
}
