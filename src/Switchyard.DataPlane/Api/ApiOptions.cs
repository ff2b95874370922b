namespace Switchyard.DataPlane.Api;

/// <summary>
/// Static config <c>api</c> (Traefik's keys, pkg/config/static/static_config.go API): the REST API and the
/// dashboard. Served on the admin entry point when <see cref="Insecure"/>, and always through a route whose
/// service is <c>api@internal</c> (so it can sit behind basicAuth, as in Traefik).
/// </summary>
public sealed record ApiOptions
{
    /// <summary>Serve the dashboard at /dashboard/ (Traefik's default: true).</summary>
    public bool Dashboard { get; init; } = true;

    /// <summary>Serve /api and /dashboard on the admin entry point (Traefik: on the "traefik" entry point).</summary>
    public bool Insecure { get; init; }

    /// <summary>
    /// basePath: the path the API, the dashboard and /debug/vars sit under (Traefik's default "/"): with "/traefik",
    /// /traefik/api/..., /traefik/dashboard/ and /traefik (redirected to the dashboard).
    /// </summary>
    public string BasePath { get; init; } = "/";

    /// <summary>Serve /debug/vars (runtime counters as JSON).</summary>
    public bool Debug { get; init; }

    /// <summary>The configured providers as the overview names them ("KubernetesCRD", "File"); not a Traefik key.</summary>
    public System.Collections.Immutable.ImmutableArray<string> Providers { get; init; } = [];
}
