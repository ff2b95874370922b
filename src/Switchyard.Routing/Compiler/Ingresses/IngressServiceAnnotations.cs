using System.Globalization;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;

namespace Switchyard.Routing.Compiler.Ingresses;

/// <summary>
/// The load-balancer settings a Kubernetes Service carries in <c>traefik.ingress.kubernetes.io/service.*</c> annotations
/// for the Ingresses that use it (pkg/provider/kubernetes/ingress/annotations.go, ServiceIng; read in loadService).
/// An unknown or malformed key makes the Service unusable for Ingress paths, as in Traefik ("Cannot create service").
/// </summary>
internal static class IngressServiceAnnotations
{
    private const string ServicePrefix = "service.";

    /// <summary>A service entry for Service <paramref name="name"/> port <paramref name="port"/> with the Service's annotations applied.</summary>
    public static LoadBalancerSpec Spec(string name, k8s.Models.IntOrString port, IDictionary<string, string>? annotations, List<Problem> problems)
    {
        var spec = new LoadBalancerSpec { Name = name, Port = port };
        if (annotations is null)
        {
            return spec;
        }

        var scratch = new List<(Problem Problem, string Field)>();
        StickyCookie? cookie = null;
        foreach (var (key, value) in annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (!key.StartsWith(IngressAnnotations.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = key[IngressAnnotations.Prefix.Length..];
            if (!rest.StartsWith(ServicePrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue; // router.* on a Service: not the service decoder's business (Traefik filters by prefix)
            }

            var text = value ?? "";
            switch (rest[ServicePrefix.Length..].ToLowerInvariant())
            {
                case "serversscheme": spec = spec with { Scheme = text.Trim() }; break;
                case "serverstransport": spec = spec with { ServersTransport = text.Trim() }; break;
                case "passhostheader": spec = spec with { PassHostHeader = IngressAnnotations.Bool(key, text, "", scratch) }; break;
                case "nativelb": spec = spec with { NativeLB = IngressAnnotations.Bool(key, text, "", scratch) }; break;
                case "nodeportlb": spec = spec with { NodePortLB = IngressAnnotations.Bool(key, text, "", scratch) }; break;
                case "middlewares":
                    spec = spec with { Middlewares = [.. IngressAnnotations.List(text).Select(m => new MiddlewareRef { Name = m })] };
                    break;
                case "sticky.cookie":
                    if (IngressAnnotations.Bool(key, text, "", scratch) == true)
                    {
                        cookie ??= new StickyCookie();
                    }

                    break;
                case "sticky.cookie.name": cookie = (cookie ?? new()) with { Name = text.Trim() }; break;
                case "sticky.cookie.secure": cookie = (cookie ?? new()) with { Secure = IngressAnnotations.Bool(key, text, "", scratch) }; break;
                case "sticky.cookie.httponly": cookie = (cookie ?? new()) with { HttpOnly = IngressAnnotations.Bool(key, text, "", scratch) }; break;
                case "sticky.cookie.samesite": cookie = (cookie ?? new()) with { SameSite = text.Trim() }; break;
                case "sticky.cookie.domain": cookie = (cookie ?? new()) with { Domain = text.Trim() }; break;
                case "sticky.cookie.path": cookie = (cookie ?? new()) with { Path = text.Trim() }; break;
                case "sticky.cookie.maxage":
                    if (int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var maxAge))
                    {
                        cookie = (cookie ?? new()) with { MaxAge = maxAge };
                    }
                    else
                    {
                        scratch.Add((IngressAnnotations.Invalid(key, text, "an integer number of seconds"), ""));
                    }

                    break;
                default:
                    scratch.Add((Problem.Error(DiagnosticCodes.IngressAnnotationInvalid, "UnknownAnnotation",
                        $"{key} is not a service annotation Traefik knows (service.serversscheme, service.serverstransport, service.passhostheader, service.nativelb, service.nodeportlb, service.middlewares, service.sticky.cookie[.name|.secure|.httponly|.samesite|.domain|.path|.maxage])"), ""));
                    break;
            }
        }

        problems.AddRange(scratch.Select(p => p.Problem with { Message = "Service annotation " + p.Problem.Message }));
        return cookie is null ? spec : spec with { Sticky = new Sticky { Cookie = cookie } };
    }
}
