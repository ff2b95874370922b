using System.Text.Json.Serialization;

namespace Switchyard.DataPlane.Acme;

/// <summary>RFC 8555 §7.1.1 directory.</summary>
public sealed record AcmeDirectory(
    [property: JsonPropertyName("newNonce")] Uri NewNonce,
    [property: JsonPropertyName("newAccount")] Uri NewAccount,
    [property: JsonPropertyName("newOrder")] Uri NewOrder,
    [property: JsonPropertyName("revokeCert")] Uri? RevokeCert,
    [property: JsonPropertyName("keyChange")] Uri? KeyChange,
    [property: JsonPropertyName("meta")] AcmeDirectoryMeta? Meta);

public sealed record AcmeDirectoryMeta(
    [property: JsonPropertyName("termsOfService")] string? TermsOfService,
    [property: JsonPropertyName("externalAccountRequired")] bool? ExternalAccountRequired);

/// <summary>An identifier (RFC 8555 §9.7.7); Switchyard orders only "dns" ones.</summary>
public sealed record AcmeIdentifier(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("value")] string Value);

/// <summary>RFC 8555 §7.1.3 order. <see cref="Url"/> is the order's own URL (Location header).</summary>
public sealed record AcmeOrder(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("identifiers")] AcmeIdentifier[] Identifiers,
    [property: JsonPropertyName("authorizations")] Uri[] Authorizations,
    [property: JsonPropertyName("finalize")] Uri Finalize,
    [property: JsonPropertyName("certificate")] Uri? Certificate,
    [property: JsonPropertyName("error")] AcmeProblem? Error)
{
    [JsonIgnore]
    public Uri? Url { get; init; }
}

/// <summary>RFC 8555 §7.1.4 authorization.</summary>
public sealed record AcmeAuthorization(
    [property: JsonPropertyName("identifier")] AcmeIdentifier Identifier,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("challenges")] AcmeChallenge[] Challenges,
    [property: JsonPropertyName("wildcard")] bool? Wildcard);

/// <summary>RFC 8555 §8 challenge (http-01, tls-alpn-01, dns-01).</summary>
public sealed record AcmeChallenge(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("url")] Uri Url,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("error")] AcmeProblem? Error);

/// <summary>RFC 7807 problem document as ACME uses it (type urn:ietf:params:acme:error:*).</summary>
public sealed record AcmeProblem(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("status")] int? Status,
    [property: JsonPropertyName("subproblems")] AcmeProblem[]? Subproblems)
{
    public override string ToString() =>
        $"{Type ?? "about:blank"}: {Detail}" +
        (Subproblems is { Length: > 0 } s ? " (" + string.Join("; ", s.Select(p => p.ToString())) + ")" : "");
}

/// <summary>An ACME error answer, or a challenge / order that ended invalid.</summary>
public sealed class AcmeException(AcmeProblem problem, string? context = null)
    : Exception((context is null ? "" : context + ": ") + problem)
{
    public AcmeProblem Problem { get; } = problem;

    public bool IsBadNonce => Problem.Type == "urn:ietf:params:acme:error:badNonce";

    public bool IsRateLimited => Problem.Type == "urn:ietf:params:acme:error:rateLimited";
}
