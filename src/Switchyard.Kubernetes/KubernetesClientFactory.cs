using k8s;

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
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath, context);
        }

        if (KubernetesClientConfiguration.IsInCluster())
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }

        return KubernetesClientConfiguration.BuildDefaultConfig();
    }

    public static IKubernetes Create(string? kubeconfigPath = null, string? context = null) =>
        new k8s.Kubernetes(BuildConfiguration(kubeconfigPath, context));
}
