namespace Switchyard.Configuration;

// entryPoints.NAME.http: Traefik's HTTPConfig (pkg/config/static/entrypoints.go), the defaults its routers get.
// EntryPointHttpReader checks them and turns them into the compiler's EntryPointModel.

/// <summary>entryPoints.NAME.http.</summary>
public sealed class EntryPointHttpConfig
{
    /// <summary>Redirect every request of this entry point (a catch-all router Traefik generates).</summary>
    public RedirectionsConfig? Redirections { get; set; }

    /// <summary>Middlewares run before every router's own on this entry point (<c>&lt;namespace&gt;-&lt;name&gt;@kubernetescrd</c>).</summary>
    public List<string> Middlewares { get; set; } = [];

    /// <summary>Default TLS of the routers on this entry point; present (even empty) ⇒ they serve TLS, and so does the entry point.</summary>
    public EntryPointHttpTlsConfig? Tls { get; set; }

    /// <summary>Largest request header block in bytes (Traefik default 1 MiB; unset here = Kestrel's 32 KiB).</summary>
    public int? MaxHeaderBytes { get; set; }
}

/// <summary>entryPoints.NAME.http.redirections.</summary>
public sealed class RedirectionsConfig
{
    public RedirectEntryPointConfig? EntryPoint { get; set; }
}

/// <summary>entryPoints.NAME.http.redirections.entryPoint, with Traefik's defaults.</summary>
public sealed class RedirectEntryPointConfig
{
    /// <summary>Target entry point name, or ":port".</summary>
    public string To { get; set; } = "";

    public string Scheme { get; set; } = "https";

    /// <summary>301 (GET) / 308 (other methods) when true, else 302 / 307.</summary>
    public bool Permanent { get; set; } = true;

    /// <summary>Priority of the generated router (Traefik: math.MaxInt - 1, above every user router).</summary>
    public long Priority { get; set; } = long.MaxValue - 1;
}

/// <summary>entryPoints.NAME.http.tls: Traefik's TLSConfig.</summary>
public sealed class EntryPointHttpTlsConfig
{
    /// <summary>TLSOption id (<c>&lt;namespace&gt;-&lt;name&gt;[@kubernetescrd]</c>, or <c>default</c>).</summary>
    public string? Options { get; set; }

    /// <summary>A certificatesResolvers name.</summary>
    public string? CertResolver { get; set; }

    public List<DomainConfig> Domains { get; set; } = [];
}

/// <summary>A certificate domain: main name and subject alternative names.</summary>
public sealed class DomainConfig
{
    public string Main { get; set; } = "";

    public List<string> Sans { get; set; } = [];
}
