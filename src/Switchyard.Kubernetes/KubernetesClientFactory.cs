using k8s;
using Switchyard.Model.Loading;

namespace Switchyard.Kubernetes;

/// <summary>Builds the API client: explicit kubeconfig, in-cluster service account, or KUBECONFIG / ~/.kube/config.</summary>
public static class KubernetesClientFactory
{
    /// <param name="kubeconfigPath">A kubeconfig file; null ⇒ in-cluster when running in a pod, else the default locations.</param>
    /// <param name="context">Context to use from the kubeconfig; null ⇒ its current-context.</param>
    public static KubernetesClientConfiguration BuildConfiguration(string? kubeconfigPath = null, string? context = null)
    {
        if (kubeconfigPath is not null)
        {
            return AllowDeepObjects(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath, context));
        }

        if (KubernetesClientConfiguration.IsInCluster())
        {
            return AllowDeepObjects(KubernetesClientConfiguration.InClusterConfig());
        }

        return AllowDeepObjects(KubernetesClientConfiguration.BuildDefaultConfig());
    }

    public static IKubernetes Create(string? kubeconfigPath = null, string? context = null) =>
        new k8s.Kubernetes(BuildConfiguration(kubeconfigPath, context));

    /// <summary>
    /// Decode lists (this configuration's serializer) and watch events (KubernetesClient's process-wide one) with the
    /// API server's nesting limit instead of System.Text.Json's 64: otherwise one deep object the API server stored
    /// fails its kind's whole list and watch, forever (issue 17.3). Such an object is then refused on its own.
    /// </summary>
    public static KubernetesClientConfiguration AllowDeepObjects(KubernetesClientConfiguration configuration)
    {
        configuration.AddJsonOptions(o => o.MaxDepth = ManifestLimits.WireMaxDepth);
        ManifestLimits.RaiseKubernetesClientDepth();
        return configuration;
    }
}
