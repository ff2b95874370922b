namespace Switchyard.Model.Diagnostics;

/// <summary>
/// The registry of stable diagnostic codes. Code ranges: SY0xx loading/parsing, SY1xx routes and rules,
/// SY2xx services and servers, SY3xx middlewares, SY4xx TLS and transports, SY5xx data plane, SY6xx
/// Kubernetes source, SY7xx ACME. Add new codes here; never renumber.
/// </summary>
public static class DiagnosticCodes
{
    // Loading
    public const string YamlSyntax = "SY001";
    public const string UnknownField = "SY002";
    public const string UnknownKind = "SY003";
    public const string InvalidValue = "SY004";
    public const string MissingField = "SY005";
    public const string DuplicateObject = "SY006";

    /// <summary>A manifest file or directory could not be read (missing, permissions, I/O error).</summary>
    public const string FileUnreadable = "SY007";

    /// <summary>A file in a watched folder is broken; its last good objects are still served (warning).</summary>
    public const string KeptLastGood = "SY008";

    /// <summary>A YAML mapping repeats a key; the last value wins (warning).</summary>
    public const string DuplicateKey = "SY009";

    /// <summary>A manifest passes a bound (nesting depth, nodes after alias expansion, file size, folder size or file count): it is not read.</summary>
    public const string ManifestTooLarge = "SY010";

    /// <summary>Reading a file failed in a way the loader did not foresee (a bug): the file counts as broken, nothing else stops.</summary>
    public const string LoaderFailure = "SY011";

    /// <summary>The watched manifest folder is missing or unreadable: the last good table keeps serving (warning).</summary>
    public const string FolderMissing = "SY012";

    /// <summary>A directory link in the manifest folder leads back to a directory already read: it is skipped.</summary>
    public const string SymlinkLoop = "SY013";

    // Routes and rules (SY1xx): each one disables the route it is reported on, nothing else.
    /// <summary>The match rule does not parse.</summary>
    public const string RuleSyntax = "SY101";
    /// <summary>A route has an empty match.</summary>
    public const string EmptyMatch = "SY102";
    /// <summary>A route's kind is not "Rule".</summary>
    public const string UnsupportedRouteKind = "SY103";
    /// <summary>A route names a Middleware that does not exist.</summary>
    public const string MiddlewareNotFound = "SY104";
    /// <summary>A reference to another namespace while allowCrossNamespace is off.</summary>
    public const string CrossNamespaceNotAllowed = "SY105";
    /// <summary>A route has no services.</summary>
    public const string NoServices = "SY106";
    /// <summary>Two routes compile to the same router name (same IngressRoute, same match).</summary>
    public const string DuplicateRouter = "SY107";
    /// <summary>A route uses a service that has an error (reported on that service too).</summary>
    public const string RouteServiceInvalid = "SY108";
    /// <summary>A route uses a Middleware that has an error (reported on that Middleware too).</summary>
    public const string RouteMiddlewareInvalid = "SY109";
    /// <summary>A route names an entry point the static configuration does not define.</summary>
    public const string UnknownEntryPoint = "SY110";
    /// <summary>A route uses a middleware the data plane cannot run (warning).</summary>
    public const string RouteMiddlewareUnsupported = "SY111";
    /// <summary>A route uses TLS settings that have an error (reported on the TLS object too).</summary>
    public const string RouteTlsInvalid = "SY112";
    /// <summary>An IngressRoute's parentRefs names an IngressRoute that does not exist: it is not served.</summary>
    public const string ParentRefNotFound = "SY116";
    /// <summary>A child IngressRoute (parentRefs) that Traefik refuses: entryPoints, tls, nested layers.</summary>
    public const string ParentRefInvalid = "SY117";
    /// <summary>A parent route that also has a service (Traefik refuses the router).</summary>
    public const string ParentRouteInvalid = "SY118";
    /// <summary>A TCP router without TLS names an SNI (HostSNI other than `*`): a cleartext connection has no SNI.</summary>
    public const string HostSniWithoutTls = "SY119";
    /// <summary>
    /// An entry point's http.middlewares or http.tls.options (static config) names nothing usable: the routes on that
    /// entry point are not served there (Traefik fails those routers).
    /// </summary>
    public const string EntryPointDefaultsInvalid = "SY120";

    /// <summary>An Ingress annotation (traefik.ingress.kubernetes.io/...) Traefik cannot decode: the Ingress (or, on a Service, its paths) is not served.</summary>
    public const string IngressAnnotationInvalid = "SY150";
    /// <summary>An Ingress annotation Traefik ignores where it is written (a service.* one on the Ingress, an unknown prefix).</summary>
    public const string IngressAnnotationIgnored = "SY151";
    /// <summary>An Ingress backend Traefik cannot serve (a resource backend, no service, a second default backend), or one it ignores.</summary>
    public const string IngressBackendInvalid = "SY152";

    /// <summary>A route priority above Traefik's highest user priority (math.MaxInt - 1000): the route is disabled, as in Traefik.</summary>
    public const string RoutePriorityOutOfRange = "SY113";

    // Services and servers (SY2xx)
    public const string ServiceNotFound = "SY201";
    public const string ServicePortNotFound = "SY202";
    public const string InvalidScheme = "SY203";
    public const string ExternalNameNotAllowed = "SY204";
    /// <summary>No ready endpoint and allowEmptyServices is off: the route is dropped.</summary>
    public const string ServiceHasNoEndpoints = "SY205";
    /// <summary>No ready endpoint, allowEmptyServices is on: the route answers 503 (warning).</summary>
    public const string ServiceEmptyServedAsError = "SY206";
    public const string TraefikServiceNotFound = "SY207";
    public const string ServiceCycle = "SY208";
    public const string UnsupportedServiceKind = "SY209";
    public const string InvalidStrategy = "SY210";
    /// <summary>A TraefikService with no type or several types.</summary>
    public const string TraefikServiceInvalid = "SY211";
    public const string InvalidWeight = "SY212";
    /// <summary>nativeLB on a Service without a ClusterIP (headless).</summary>
    public const string NativeLbNoClusterIp = "SY213";
    public const string InvalidHealthCheck = "SY214";
    public const string InvalidServiceValue = "SY215";

    // Middlewares (SY3xx)
    public const string MiddlewareNoType = "SY301";
    public const string MiddlewareMultipleTypes = "SY302";
    /// <summary>Plugin or a type the data plane does not run (warning; routes using it are reported).</summary>
    public const string MiddlewareUnsupported = "SY303";
    public const string MiddlewareInvalidRegex = "SY304";
    public const string MiddlewareInvalidCidr = "SY305";
    public const string MiddlewareChainCycle = "SY306";
    /// <summary>A chain names a Middleware that does not exist.</summary>
    public const string MiddlewareChainRefNotFound = "SY307";
    public const string MiddlewareInvalidValue = "SY308";
    public const string MiddlewareSecretNotFound = "SY309";
    /// <summary>Deprecated spelling (ipWhiteList) accepted (warning).</summary>
    public const string MiddlewareDeprecated = "SY310";

    // TLS and transports (SY4xx)
    public const string TlsSecretNotFound = "SY401";
    public const string TlsSecretInvalid = "SY402";
    public const string TlsOptionNotFound = "SY403";
    public const string TlsStoreNotFound = "SY404";
    public const string TlsOptionInvalid = "SY405";
    /// <summary>A TLSStore or TLSOption named "default" in more than one namespace.</summary>
    public const string TlsDefaultConflict = "SY406";
    public const string ServersTransportNotFound = "SY407";
    public const string ServersTransportInvalid = "SY408";
    /// <summary>A ServersTransport names a Secret or ConfigMap that does not exist or holds no certificate.</summary>
    public const string ServersTransportCertificateNotFound = "SY409";
    public const string TlsStoreInvalid = "SY410";
    /// <summary>ServersTransport spiffe: no SPIFFE Workload API client on .NET here; the transport is refused, its routes say why.</summary>
    public const string ServersTransportSpiffeUnsupported = "SY411";
    /// <summary>A TLS field .NET cannot apply (TLSOption curvePreferences, preferServerCipherSuites): accepted, warned, not applied.</summary>
    public const string TlsFieldNotApplied = "SY412";

    // Data plane (SY5xx): problems found while a table is built for serving.
    /// <summary>A middleware of a router cannot be built (unknown type, not implemented, bad config): the router answers an error.</summary>
    public const string DataPlaneMiddlewareUnavailable = "SY501";
    /// <summary>A router's service cannot be built: the router answers UNAVAILABLE / 503.</summary>
    public const string DataPlaneServiceUnavailable = "SY502";
    /// <summary>A TLS certificate of the table cannot be loaded by the framework although the compiler accepted it: it is not
    /// served (logged once, at the first handshake that selects it: TableCertificateContext).</summary>
    public const string DataPlaneCertificateInvalid = "SY503";

    // ACME (SY7xx)
    /// <summary>A router names a certResolver that the static config does not define.</summary>
    public const string AcmeResolverNotFound = "SY701";
    /// <summary>An order failed (problem document from the CA, failed challenge); the previous or default certificate keeps serving.</summary>
    public const string AcmeOrderFailed = "SY702";
    /// <summary>The ACME server could not be reached.</summary>
    public const string AcmeCaUnreachable = "SY703";
    /// <summary>No domain could be derived for a router with a certResolver (no tls.domains, no Host() matcher).</summary>
    public const string AcmeNoDomains = "SY704";
    /// <summary>A wildcard (or <c>*</c>) Host of a certResolver router: only DNS-01 can validate it, which is not supported (warning).</summary>
    public const string AcmeWildcardDomain = "SY705";

    // Gateway API (SY8xx): the conditions of Gateway/route status, as diagnostics.
    /// <summary>A Gateway listener is not served (no entry point on its port, unsupported protocol, bad TLS, conflict).</summary>
    public const string GatewayListenerInvalid = "SY801";
    /// <summary>A route's parentRef does not attach (no matching listener, not allowed, no hostname in common).</summary>
    public const string GatewayRouteNotAccepted = "SY802";
    /// <summary>A route's backendRef cannot be resolved (not found, other namespace without ReferenceGrant, kind, protocol); its share answers 500.</summary>
    public const string GatewayBackendRefInvalid = "SY803";
    /// <summary>A route filter is unsupported or its ExtensionRef unresolved; the rule answers 500.</summary>
    public const string GatewayFilterInvalid = "SY804";
    /// <summary>A BackendTLSPolicy cannot be applied (CA reference, kind, well-known CAs) or lost to an older one; the Service's share answers 500.</summary>
    public const string GatewayBackendTlsPolicyInvalid = "SY805";
    /// <summary>An HTTPRoute rule's timeouts are not Gateway API durations, or backendRequest is longer than request; the rule answers 500.</summary>
    public const string GatewayTimeoutsInvalid = "SY806";

    // Kubernetes source
    /// <summary>An object read from the API server could not be turned into its model record (wrong shape).</summary>
    public const string KubernetesObjectUnreadable = "SY601";
}
