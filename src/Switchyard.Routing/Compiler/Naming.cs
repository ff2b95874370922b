using System.Text;
using Switchyard.Model;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// Ids as Traefik's kubernetesCRD provider makes them, so names in logs, metrics and dashboards read the
/// same as in Traefik: runs of characters that are neither letters nor digits become one '-'.
/// </summary>
public static class Naming
{
    /// <summary>Traefik's provider.Normalize: split on non-alphanumerics, join with '-'.</summary>
    public static string Normalize(string name)
    {
        var sb = new StringBuilder(name.Length);
        var pendingDash = false;
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (pendingDash && sb.Length > 0)
                {
                    sb.Append('-');
                }

                pendingDash = false;
                sb.Append(c);
            }
            else
            {
                pendingDash = true;
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Router name: <c>namespace-name-&lt;first 10 bytes of sha256(match) in hex&gt;</c>, normalized
    /// (Traefik's makeServiceKey + makeID + Normalize).
    /// </summary>
    public static string RouterName(string @namespace, string ingressRouteName, string match)
    {
        Span<byte> hash = stackalloc byte[32];
        Sha256.HashData(Encoding.UTF8.GetBytes(match), hash);
        return Normalize($"{@namespace}-{ingressRouteName}-{Convert.ToHexStringLower(hash[..10])}");
    }

    /// <summary>Middleware, TraefikService, ServersTransport and TLSOption ids: <c>namespace-name</c>.</summary>
    public static string ObjectId(string @namespace, string name) => Normalize($"{@namespace}-{name}");

    /// <summary>Service id of a Kubernetes Service port, like Traefik: <c>namespace-name-port</c>.</summary>
    public static string ServicePortId(string @namespace, string name, string port) => Normalize($"{@namespace}-{name}-{port}");

    /// <summary>Certificate id of a TLS Secret: <c>namespace-secretName</c>.</summary>
    public static string CertificateId(string @namespace, string secretName) => Normalize($"{@namespace}-{secretName}");
}
