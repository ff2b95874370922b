using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchyard.DataPlane.Acme;

/// <summary>
/// The ACME account key: signs JWS requests (ES256 by default, RS256 as the option) and gives the JWK and its
/// RFC 7638 thumbprint used in key authorizations.
/// </summary>
public sealed class AcmeAccountKey : IDisposable
{
    private readonly ECDsa? _ec;
    private readonly RSA? _rsa;

    private AcmeAccountKey(ECDsa? ec, RSA? rsa)
    {
        _ec = ec;
        _rsa = rsa;
    }

    /// <summary>"EC256" (P-256, the default) or "RSA2048"/"RSA4096" — the names Traefik's keyType uses.</summary>
    public static AcmeAccountKey Create(string keyType = "EC256") => keyType switch
    {
        "EC256" => new AcmeAccountKey(ECDsa.Create(ECCurve.NamedCurves.nistP256), null),
        "RSA2048" => new AcmeAccountKey(null, RSA.Create(2048)),
        "RSA4096" => new AcmeAccountKey(null, RSA.Create(4096)),
        _ => throw new ArgumentException($"unsupported ACME account key type '{keyType}' (EC256, RSA2048, RSA4096)"),
    };

    public static AcmeAccountKey FromPem(string pem)
    {
        if (pem.Contains("RSA", StringComparison.Ordinal) && !pem.Contains("BEGIN PRIVATE KEY", StringComparison.Ordinal))
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new AcmeAccountKey(null, rsa);
        }

        try
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return new AcmeAccountKey(ec, null);
        }
        catch (CryptographicException)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new AcmeAccountKey(null, rsa);
        }
    }

    public string Algorithm => _ec is not null ? "ES256" : "RS256";

    public string ExportPem() => _ec?.ExportPkcs8PrivateKeyPem() ?? _rsa!.ExportPkcs8PrivateKeyPem();

    /// <summary>The public JWK, members in the lexicographic order RFC 7638 requires for the thumbprint.</summary>
    public JsonObject Jwk()
    {
        if (_ec is not null)
        {
            var p = _ec.ExportParameters(false);
            return new JsonObject
            {
                ["crv"] = "P-256",
                ["kty"] = "EC",
                ["x"] = Base64Url.EncodeToString(p.Q.X),
                ["y"] = Base64Url.EncodeToString(p.Q.Y),
            };
        }

        var r = _rsa!.ExportParameters(false);
        return new JsonObject
        {
            ["e"] = Base64Url.EncodeToString(r.Exponent),
            ["kty"] = "RSA",
            ["n"] = Base64Url.EncodeToString(r.Modulus),
        };
    }

    /// <summary>RFC 7638 JWK thumbprint (SHA-256, base64url).</summary>
    public string Thumbprint() =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(Jwk().ToJsonString())));

    /// <summary>The key authorization of a challenge token (RFC 8555 §8.1).</summary>
    public string KeyAuthorization(string token) => token + "." + Thumbprint();

    /// <summary>A flattened JWS (RFC 8555 §6.2): kid once the account exists, jwk before. Empty payload = POST-as-GET.</summary>
    public string Sign(Uri url, string nonce, string? kid, string payloadJson)
    {
        var header = new JsonObject { ["alg"] = Algorithm, ["nonce"] = nonce, ["url"] = url.ToString() };
        if (kid is null)
        {
            header["jwk"] = Jwk();
        }
        else
        {
            header["kid"] = kid;
        }

        var protectedB64 = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString()));
        var payloadB64 = payloadJson.Length == 0 ? "" : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payloadJson));
        var input = Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64);
        var signature = _ec is not null
            ? _ec.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            : _rsa!.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new JsonObject
        {
            ["protected"] = protectedB64,
            ["payload"] = payloadB64,
            ["signature"] = Base64Url.EncodeToString(signature),
        }.ToJsonString();
    }

    public void Dispose()
    {
        _ec?.Dispose();
        _rsa?.Dispose();
    }
}
