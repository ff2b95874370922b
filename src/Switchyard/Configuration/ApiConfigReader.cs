using Switchyard.DataPlane.EntryPoints;

namespace Switchyard.Configuration;

/// <summary>Checks static config <c>api</c> and turns it into the data plane's ApiOptions; errors name the key.</summary>
internal static partial class ApiConfigReader
{
    public static Switchyard.DataPlane.Api.ApiOptions? Read(StaticConfig raw, string fileName, IReadOnlyList<EntryPointOptions> entryPoints)
    {
        if (raw.Api is not { } api)
        {
            return null;
        }

        if (api.Insecure && !entryPoints.Any(e => e.Admin))
        {
            throw new StaticConfigException($"{fileName}: api.insecure: there is no admin entry point (admin: true) to serve /api and /dashboard/ on");
        }

        if (!ValidBasePath().IsMatch(api.BasePath))
        {
            // Traefik's validBasePath (pkg/config/static/static_config.go).
            throw new StaticConfigException($"{fileName}: api.basePath: '{api.BasePath}' is not an absolute URL path (/, letters, digits, / _ . : ~ -)");
        }

        return new Switchyard.DataPlane.Api.ApiOptions
        {
            BasePath = api.BasePath,
            Insecure = api.Insecure,
            Dashboard = api.Dashboard,
            Debug = api.Debug,
            Providers = raw.Providers.KubernetesCRD is { Enabled: true } || raw.Providers.KubernetesIngress is { Enabled: true }
                ? [.. new[] { raw.Providers.KubernetesCRD is { Enabled: true } ? "KubernetesCRD" : null, raw.Providers.KubernetesIngress is { Enabled: true } ? "KubernetesIngress" : null }.OfType<string>()]
                : ["File"],
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex("^/[a-zA-Z0-9/_.:~-]*$")]
    private static partial System.Text.RegularExpressions.Regex ValidBasePath();
}
