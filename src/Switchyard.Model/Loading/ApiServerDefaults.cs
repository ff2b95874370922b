using System.Text;
using k8s.Models;

namespace Switchyard.Model.Loading;

/// <summary>
/// What kube-apiserver does to core objects on write, done for manifests too, so a folder of YAML gives the compiler
/// exactly the objects a cluster would: Secret stringData merged into data; Service type ClusterIP, port protocol TCP
/// and targetPort = port when omitted; EndpointSlice port protocol TCP; the Namespace label kubernetes.io/metadata.name. Nothing else is interpreted here.
/// </summary>
internal static class ApiServerDefaults
{
    /// <summary>The label the API server puts on every Namespace, its value the Namespace's name.</summary>
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    public static object Apply(object value)
    {
        switch (value)
        {
            case V1Secret secret when secret.StringData is { Count: > 0 }:
                var data = secret.Data is null ? new Dictionary<string, byte[]>() : new Dictionary<string, byte[]>(secret.Data);
                foreach (var (key, text) in secret.StringData)
                {
                    data[key] = Encoding.UTF8.GetBytes(text ?? "");
                }

                secret.Data = data;
                secret.StringData = null;
                break;
            case V1Service service when service.Spec is { } spec:
                spec.Type ??= "ClusterIP";
                foreach (var port in spec.Ports ?? [])
                {
                    port.Protocol ??= "TCP";
                    port.TargetPort ??= port.Port;
                }

                break;
            case V1Namespace { Metadata.Name: { } name } ns:
                // The API server labels every Namespace with its name (Kubernetes 1.22+), which selectors rely on
                // (Gateway API's conformance tests select namespaces by kubernetes.io/metadata.name).
                ns.Metadata.Labels = new Dictionary<string, string>(ns.Metadata.Labels ?? new Dictionary<string, string>()) { [NamespaceNameLabel] = name };
                break;
            case V1EndpointSlice slice:
                foreach (var port in slice.Ports ?? [])
                {
                    port.Protocol ??= "TCP";
                }

                break;
        }

        return value;
    }
}
