using System.Text.Json.Serialization;

namespace Switchyard.Model.Traefik.Middlewares;

/// <summary>How the client IP is chosen (RemoteAddr by default, or X-Forwarded-For by depth).</summary>
public sealed record IPStrategy
{
    /// <summary>Use the X-Forwarded-For entry at this depth from the right.</summary>
    [JsonPropertyName("depth")]
    public int? Depth { get; init; }

    /// <summary>Addresses skipped when walking X-Forwarded-For from the right.</summary>
    [JsonPropertyName("excludedIPs")]
    public IReadOnlyList<string>? ExcludedIPs { get; init; }

    /// <summary>IPv6 prefix length grouping clients of one subnet.</summary>
    [JsonPropertyName("ipv6Subnet")]
    public int? Ipv6Subnet { get; init; }
}

/// <summary>What groups requests as coming from one source (rateLimit, inFlightReq).</summary>
public sealed record SourceCriterion
{
    /// <summary>Group by client IP chosen by this strategy.</summary>
    [JsonPropertyName("ipStrategy")]
    public IPStrategy? IPStrategy { get; init; }

    /// <summary>Group by the value of this request header.</summary>
    [JsonPropertyName("requestHeaderName")]
    public string? RequestHeaderName { get; init; }

    /// <summary>Group by request host.</summary>
    [JsonPropertyName("requestHost")]
    public bool? RequestHost { get; init; }
}

/// <summary>ipAllowList middleware.</summary>
public sealed record IPAllowList
{
    /// <summary>Allowed IPs and CIDR ranges.</summary>
    [JsonPropertyName("sourceRange")]
    public IReadOnlyList<string>? SourceRange { get; init; }

    /// <summary>How the client IP is chosen.</summary>
    [JsonPropertyName("ipStrategy")]
    public IPStrategy? IPStrategy { get; init; }

    /// <summary>HTTP status for rejected requests (default 403).</summary>
    [JsonPropertyName("rejectStatusCode")]
    public int? RejectStatusCode { get; init; }
}

/// <summary>ipWhiteList middleware (deprecated: use ipAllowList).</summary>
public sealed record IPWhiteList
{
    /// <summary>Allowed IPs and CIDR ranges.</summary>
    [JsonPropertyName("sourceRange")]
    public IReadOnlyList<string>? SourceRange { get; init; }

    /// <summary>How the client IP is chosen.</summary>
    [JsonPropertyName("ipStrategy")]
    public IPStrategy? IPStrategy { get; init; }
}

/// <summary>basicAuth middleware.</summary>
public sealed record BasicAuth
{
    /// <summary>Secret holding the users (htpasswd lines, or kubernetes.io/basic-auth).</summary>
    [JsonPropertyName("secret")]
    public string? Secret { get; init; }

    /// <summary>Realm (default traefik).</summary>
    [JsonPropertyName("realm")]
    public string? Realm { get; init; }

    /// <summary>Remove the Authorization header before forwarding.</summary>
    [JsonPropertyName("removeHeader")]
    public bool? RemoveHeader { get; init; }

    /// <summary>Header that receives the authenticated user name.</summary>
    [JsonPropertyName("headerField")]
    public string? HeaderField { get; init; }
}

/// <summary>digestAuth middleware.</summary>
public sealed record DigestAuth
{
    /// <summary>Secret holding the users (htdigest lines).</summary>
    [JsonPropertyName("secret")]
    public string? Secret { get; init; }

    /// <summary>Remove the Authorization header before forwarding.</summary>
    [JsonPropertyName("removeHeader")]
    public bool? RemoveHeader { get; init; }

    /// <summary>Realm (default traefik).</summary>
    [JsonPropertyName("realm")]
    public string? Realm { get; init; }

    /// <summary>Header that receives the authenticated user name.</summary>
    [JsonPropertyName("headerField")]
    public string? HeaderField { get; init; }
}

/// <summary>forwardAuth middleware.</summary>
public sealed record ForwardAuth
{
    /// <summary>URL of the authentication server.</summary>
    [JsonPropertyName("address")]
    public string? Address { get; init; }

    /// <summary>Deprecated: trust existing X-Forwarded-* headers.</summary>
    [JsonPropertyName("trustForwardHeader")]
    public bool? TrustForwardHeader { get; init; }

    /// <summary>Headers copied from the auth response onto the forwarded request.</summary>
    [JsonPropertyName("authResponseHeaders")]
    public IReadOnlyList<string>? AuthResponseHeaders { get; init; }

    /// <summary>Regex of headers copied from the auth response onto the forwarded request.</summary>
    [JsonPropertyName("authResponseHeadersRegex")]
    public string? AuthResponseHeadersRegex { get; init; }

    /// <summary>Request headers sent to the auth server (empty: all).</summary>
    [JsonPropertyName("authRequestHeaders")]
    public IReadOnlyList<string>? AuthRequestHeaders { get; init; }

    /// <summary>TLS settings for the connection to the auth server.</summary>
    [JsonPropertyName("tls")]
    public ClientTlsWithCaOptional? Tls { get; init; }

    /// <summary>Maximum auth response body size in bytes.</summary>
    [JsonPropertyName("maxResponseBodySize")]
    public long? MaxResponseBodySize { get; init; }

    /// <summary>Cookies copied from the auth response to the client response.</summary>
    [JsonPropertyName("addAuthCookiesToResponse")]
    public IReadOnlyList<string>? AddAuthCookiesToResponse { get; init; }

    /// <summary>Header that receives the authenticated user name.</summary>
    [JsonPropertyName("headerField")]
    public string? HeaderField { get; init; }

    /// <summary>Send the request body to the auth server.</summary>
    [JsonPropertyName("forwardBody")]
    public bool? ForwardBody { get; init; }

    /// <summary>Maximum body size in bytes forwarded to the auth server.</summary>
    [JsonPropertyName("maxBodySize")]
    public long? MaxBodySize { get; init; }

    /// <summary>Forward the auth server's Location header unchanged.</summary>
    [JsonPropertyName("preserveLocationHeader")]
    public bool? PreserveLocationHeader { get; init; }

    /// <summary>Use the original request method for the auth call.</summary>
    [JsonPropertyName("preserveRequestMethod")]
    public bool? PreserveRequestMethod { get; init; }

    /// <summary>URL to redirect to when the auth server answers 401.</summary>
    [JsonPropertyName("authSigninURL")]
    public string? AuthSigninUrl { get; init; }
}

/// <summary>Client TLS configuration with Secrets (forwardAuth, rateLimit redis).</summary>
public sealed record ClientTlsWithCaOptional
{
    /// <summary>Secret holding the CA (key tls.ca or ca.crt) that validates the server.</summary>
    [JsonPropertyName("caSecret")]
    public string? CaSecret { get; init; }

    /// <summary>Secret holding the client certificate (tls.crt, tls.key).</summary>
    [JsonPropertyName("certSecret")]
    public string? CertSecret { get; init; }

    /// <summary>Skip server certificate validation.</summary>
    [JsonPropertyName("insecureSkipVerify")]
    public bool? InsecureSkipVerify { get; init; }

    /// <summary>Deprecated: client authentication is a server-side option.</summary>
    [JsonPropertyName("caOptional")]
    public bool? CaOptional { get; init; }
}

/// <summary>passTLSClientCert middleware.</summary>
public sealed record PassTLSClientCert
{
    /// <summary>Pass the escaped PEM in X-Forwarded-Tls-Client-Cert.</summary>
    [JsonPropertyName("pem")]
    public bool? Pem { get; init; }

    /// <summary>Pass selected fields in X-Forwarded-Tls-Client-Cert-Info.</summary>
    [JsonPropertyName("info")]
    public TlsClientCertificateInfo? Info { get; init; }
}

/// <summary>Which client certificate fields passTLSClientCert passes.</summary>
public sealed record TlsClientCertificateInfo
{
    /// <summary>Add the NotAfter field.</summary>
    [JsonPropertyName("notAfter")]
    public bool? NotAfter { get; init; }

    /// <summary>Add the NotBefore field.</summary>
    [JsonPropertyName("notBefore")]
    public bool? NotBefore { get; init; }

    /// <summary>Add the SANs.</summary>
    [JsonPropertyName("sans")]
    public bool? Sans { get; init; }

    /// <summary>Add the serial number.</summary>
    [JsonPropertyName("serialNumber")]
    public bool? SerialNumber { get; init; }

    /// <summary>Subject fields to add.</summary>
    [JsonPropertyName("subject")]
    public TlsClientCertificateSubjectInfo? Subject { get; init; }

    /// <summary>Issuer fields to add.</summary>
    [JsonPropertyName("issuer")]
    public TlsClientCertificateIssuerInfo? Issuer { get; init; }
}

/// <summary>Subject distinguished-name fields of passTLSClientCert.</summary>
public sealed record TlsClientCertificateSubjectInfo
{
    /// <summary>Add C.</summary>
    [JsonPropertyName("country")]
    public bool? Country { get; init; }

    /// <summary>Add ST.</summary>
    [JsonPropertyName("province")]
    public bool? Province { get; init; }

    /// <summary>Add L.</summary>
    [JsonPropertyName("locality")]
    public bool? Locality { get; init; }

    /// <summary>Add O.</summary>
    [JsonPropertyName("organization")]
    public bool? Organization { get; init; }

    /// <summary>Add OU.</summary>
    [JsonPropertyName("organizationalUnit")]
    public bool? OrganizationalUnit { get; init; }

    /// <summary>Add CN.</summary>
    [JsonPropertyName("commonName")]
    public bool? CommonName { get; init; }

    /// <summary>Add the subject serial number.</summary>
    [JsonPropertyName("serialNumber")]
    public bool? SerialNumber { get; init; }

    /// <summary>Add DC.</summary>
    [JsonPropertyName("domainComponent")]
    public bool? DomainComponent { get; init; }
}

/// <summary>Issuer distinguished-name fields of passTLSClientCert.</summary>
public sealed record TlsClientCertificateIssuerInfo
{
    /// <summary>Add C.</summary>
    [JsonPropertyName("country")]
    public bool? Country { get; init; }

    /// <summary>Add ST.</summary>
    [JsonPropertyName("province")]
    public bool? Province { get; init; }

    /// <summary>Add L.</summary>
    [JsonPropertyName("locality")]
    public bool? Locality { get; init; }

    /// <summary>Add O.</summary>
    [JsonPropertyName("organization")]
    public bool? Organization { get; init; }

    /// <summary>Add CN.</summary>
    [JsonPropertyName("commonName")]
    public bool? CommonName { get; init; }

    /// <summary>Add the issuer serial number.</summary>
    [JsonPropertyName("serialNumber")]
    public bool? SerialNumber { get; init; }

    /// <summary>Add DC.</summary>
    [JsonPropertyName("domainComponent")]
    public bool? DomainComponent { get; init; }
}
