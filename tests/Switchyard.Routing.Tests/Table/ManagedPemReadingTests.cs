using CsCheck;
using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Tests.Table;

/// <summary>
/// Issue 21 item 2: <see cref="PemCertificate.Parse"/> reads the common certificate and key forms without OpenSSL
/// (no X.509 object made until first use) and gives the same answers as the framework's (OpenSSL) reading: what is
/// accepted or rejected, with the same message, and the same DNS names, simple name, serial and expiry. Material
/// the managed reader is not sure of is read by OpenSSL at once, as before. Certificates and keys are made here.
/// </summary>
public class ManagedPemReadingTests
{
    private static readonly DateTimeOffset NotBefore = DateTimeOffset.UtcNow.AddDays(-1);

    [TestCaseSource(nameof(Cases))]
    public void The_managed_reading_agrees_with_openssl(string certificatePem, string? keyPem, bool readManaged, int count)
    {
        if (ReadAsOpenSslReads(certificatePem, keyPem) is not { } pem)
        {
            return;
        }

        var summary = pem.Summary;
        Assert.That(pem.X509Made, Is.EqualTo(!readManaged), readManaged ? "read without OpenSSL" : "read by OpenSSL at once");
        Assert.Multiple(() =>
        {
            Assert.That(summary, Is.EqualTo(CertificateSummary.FromX509(pem.Certificate)), "the same summary as OpenSSL's reading");
            Assert.That(pem.X509Made, Is.True, "made at first use");
            Assert.That(pem.Certificate.HasPrivateKey, Is.EqualTo(keyPem is not null));
            Assert.That(pem.Certificates, Has.Length.EqualTo(count));
        });
    }

    /// <summary>
    /// Mutated material — one to three bytes of the certificate's or the key's DER changed, sometimes cut short there —
    /// is read as OpenSSL reads it: the same accept or reject with the same message, the same summary when accepted,
    /// and never another exception (what `validate` accepts, `run` serves, and no Secret crashes the compile). Most
    /// mutations land in names, dates, extensions and key numbers that no signature check looks at.
    /// </summary>
    [Test]
    public void Mutated_material_is_read_as_openssl_reads_it()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        (string Certificate, string Key)[] pairs =
        [
            (SelfSigned(new CertificateRequest("CN=fuzz.test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), ["fuzz.test", "*.fuzz.test"]),
                rsa.ExportPkcs8PrivateKeyPem()),
            (SelfSigned(new CertificateRequest("CN=ec.fuzz.test", ec, HashAlgorithmName.SHA256), ["ec.fuzz.test"]), ec.ExportECPrivateKeyPem()),
        ];

        Gen.Select(Gen.Int[0, pairs.Length - 1], Gen.Bool, Gen.Select(Gen.Int.NonNegative, Gen.Byte[1, 255]).Array[1, 3], Gen.Int[0, 5])
            .Sample((pair, inKey, edits, cut) =>
            {
                var (certificatePem, keyPem) = pairs[pair];
                // One case in six is cut short at its first edit as well.
                certificatePem = inKey ? certificatePem : Mutated(certificatePem, edits, cut == 0);
                keyPem = inKey ? Mutated(keyPem, edits, cut == 0) : keyPem;
                if (ReadAsOpenSslReads(certificatePem, keyPem) is not { } pem)
                {
                    return;
                }

                // A SAN OpenSSL cannot decode throws when it is read (PemMaterial reads it inside its error handling,
                // as it did before): the managed reading must throw the same there, or give OpenSSL's values.
                var summary = Reading(() => pem.Summary);
                var reference = Reading(() => CertificateSummary.FromX509(pem.Certificate));
                Assert.That(summary, Is.EqualTo(reference), "the same summary (or error) as OpenSSL's reading");
            }, iter: 300);
    }

    /// <summary>
    /// The material parsed as the compiler parses it, held to OpenSSL's reading (<see cref="OpenSslError"/>): when
    /// OpenSSL rejects it, the same error type and message (and null is returned); else no error.
    /// </summary>
    private static PemCertificate? ReadAsOpenSslReads(string certificatePem, string? keyPem)
    {
        var expected = OpenSslError(certificatePem, keyPem);
        PemCertificate? pem = null;
        Exception? error = null;
        try
        {
            pem = PemCertificate.Parse("Secret default/case", certificatePem, keyPem);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            error = ex;
        }

        if (expected is not null)
        {
            Assert.That(error, Is.Not.Null, $"OpenSSL rejects it: {expected.Message}");
            Assert.That((error!.GetType(), error.Message), Is.EqualTo((expected.GetType(), expected.Message)), "same error");
            return null;
        }

        Assert.That(error, Is.Null, "OpenSSL accepts it");
        return pem;
    }

    private static (CertificateSummary? Summary, string? Error) Reading(Func<CertificateSummary> read)
    {
        try
        {
            return (read(), null);
        }
        catch (CryptographicException ex)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>The PEM block with bytes of its DER xor-ed at the edits' positions (and cut at the first, when asked).</summary>
    private static string Mutated(string pem, (int Position, byte Xor)[] edits, bool cut)
    {
        var fields = PemEncoding.Find(pem);
        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        foreach (var (position, xor) in edits)
        {
            der[position % der.Length] ^= xor;
        }

        if (cut)
        {
            der = der[..(edits[0].Position % der.Length)];
        }

        return new string(PemEncoding.Write(pem[fields.Label], der)) + "\n";
    }

    [Test]
    public void Names_serial_and_expiry_are_read_without_openssl()
    {
        using var rsa = RSA.Create(2048);
        var notAfter = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var cert = SelfSigned(new CertificateRequest("CN=Main.Test, O=Switchyard", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ["Main.Test", "*.Wild.Test", "a.test"], notAfter, (X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1), new byte[] { 0x9A, 0x01 }));
        var pem = PemCertificate.Parse("Secret default/names", cert, rsa.ExportRSAPrivateKeyPem());

        Assert.That(pem.Summary, Is.EqualTo(new CertificateSummary(["*.wild.test", "a.test", "main.test"], "Main.Test", "009A01", notAfter)));
        Assert.That(pem.X509Made, Is.False);
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        using var rsa = RSA.Create(2048);
        using var otherRsa = RSA.Create(2048);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherP256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var p521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        string[] names = ["app.test", "*.apps.test"];
        var rsaCert = SelfSigned(new CertificateRequest("CN=app.test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), names);
        var p256Cert = SelfSigned(new CertificateRequest("CN=app.test", p256, HashAlgorithmName.SHA256), names);
        var p384Cert = SelfSigned(new CertificateRequest("CN=app.test", p384, HashAlgorithmName.SHA384), names);
        var p521Cert = SelfSigned(new CertificateRequest("CN=app.test", p521, HashAlgorithmName.SHA512), names);

        yield return Case("RSA 2048, PKCS#1 key", rsaCert, rsa.ExportRSAPrivateKeyPem(), managed: true);
        yield return Case("RSA 2048, PKCS#8 key", rsaCert, rsa.ExportPkcs8PrivateKeyPem(), managed: true);
        yield return Case("EC P-256, SEC1 key", p256Cert, p256.ExportECPrivateKeyPem(), managed: true);
        yield return Case("EC P-256, PKCS#8 key", p256Cert, p256.ExportPkcs8PrivateKeyPem(), managed: true);
        yield return Case("EC P-384, SEC1 key", p384Cert, p384.ExportECPrivateKeyPem(), managed: true);
        yield return Case("EC P-384, PKCS#8 key", p384Cert, p384.ExportPkcs8PrivateKeyPem(), managed: true);
        yield return Case("EC P-521, PKCS#8 key", p521Cert, p521.ExportPkcs8PrivateKeyPem(), managed: true);
        yield return Case("CN only, no SAN", SelfSigned(new CertificateRequest("CN=Only.CN.test", p256, HashAlgorithmName.SHA256), []),
            p256.ExportPkcs8PrivateKeyPem(), managed: true);
        yield return Case("leaf and its CA in tls.crt", p256Cert + Ca("Chain CA"), p256.ExportPkcs8PrivateKeyPem(), managed: true, count: 2);
        yield return Case("CA bundle of three", Ca("CA one") + Ca("CA two") + Ca("CA three"), null, managed: true, count: 3);
        yield return Case("certificate without key", rsaCert, null, managed: true);

        // Accepted by OpenSSL, not read by the managed reader: read by OpenSSL at once, as before.
        yield return Case("EC SEC1 key without its public point", p256Cert, Sec1WithoutPublicPoint(p256, "1.2.840.10045.3.1.7"), managed: false);
        yield return Case("key text with two keys", p256Cert, p256.ExportPkcs8PrivateKeyPem() + p256.ExportECPrivateKeyPem(), managed: false);
        yield return Case("subject without CN", SelfSigned(new CertificateRequest("O=No CN", p256, HashAlgorithmName.SHA256), names),
            p256.ExportPkcs8PrivateKeyPem(), managed: false);

        // Rejected: the managed reader defers, OpenSSL's error is the answer.
        yield return Case("RSA, another RSA key (PKCS#1)", rsaCert, otherRsa.ExportRSAPrivateKeyPem(), managed: false);
        yield return Case("RSA, another RSA key (PKCS#8)", rsaCert, otherRsa.ExportPkcs8PrivateKeyPem(), managed: false);
        yield return Case("EC, another EC key (SEC1)", p256Cert, otherP256.ExportECPrivateKeyPem(), managed: false);
        yield return Case("EC, another EC key (PKCS#8)", p256Cert, otherP256.ExportPkcs8PrivateKeyPem(), managed: false);
        yield return Case("EC key whose public point is not its own", p256Cert, Sec1(otherP256, "1.2.840.10045.3.1.7", p256), managed: false);
        yield return Case("EC P-256 certificate, P-384 key", p256Cert, p384.ExportPkcs8PrivateKeyPem(), managed: false);
        // The platform has no such curve: its key import throws PlatformNotSupportedException, now invalid material.
        yield return Case("EC key on a curve the platform lacks", p256Cert, Sec1(p256, "1.2.840.10045.3.1.110", p256), managed: false);
        yield return Case("EC certificate, RSA key", p256Cert, rsa.ExportPkcs8PrivateKeyPem(), managed: false);
        yield return Case("RSA certificate, EC key", rsaCert, p256.ExportECPrivateKeyPem(), managed: false);
        yield return Case("garbage, with key", "not PEM at all", p256.ExportPkcs8PrivateKeyPem(), managed: false);
        yield return Case("garbage CA", "not PEM at all", null, managed: false);
        yield return Case("garbage key", p256Cert, "not a key", managed: false);
        var der = PemEncoding.Find(p256Cert) is var f ? Convert.FromBase64String(p256Cert[f.Base64Data]) : [];
        var truncated = PemEncoding.WriteString("CERTIFICATE", der.AsSpan(0, der.Length / 2));
        yield return Case("truncated DER, with key", truncated, p256.ExportPkcs8PrivateKeyPem(), managed: false);
        yield return Case("truncated DER CA", truncated, null, managed: false);
        yield return Case("CA bundle with a truncated one", Ca("CA ok") + truncated, null, managed: false);
    }

    private static TestCaseData Case(string name, string certificatePem, string? keyPem, bool managed, int count = 1) =>
        new TestCaseData(certificatePem, keyPem, managed, count).SetName(name);

    /// <summary>The framework's reading (OpenSSL on Linux), as PemCertificate did it before: the reference.</summary>
    private static Exception? OpenSslError(string certificatePem, string? keyPem)
    {
        try
        {
            if (keyPem is not null)
            {
                using var withKey = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            }

            var all = new X509Certificate2Collection();
            all.ImportFromPem(certificatePem);
            foreach (var cert in all)
            {
                cert.Dispose();
            }

            return all.Count == 0 ? new CryptographicException(PemCertificate.NoCertificate) : null;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return ex;
        }
        catch (NotSupportedException ex)
        {
            // A key on a curve the platform lacks: reported as invalid material (X509Pem), where it used to escape.
            return new CryptographicException(ex.Message, ex);
        }
    }

    private static string SelfSigned(CertificateRequest request, string[] dnsNames, DateTimeOffset? notAfter = null,
        (X509SignatureGenerator Generator, byte[] Serial)? signed = null)
    {
        if (dnsNames.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames)
            {
                san.AddDnsName(name);
            }

            san.AddIpAddress(IPAddress.Loopback);
            san.AddUri(new Uri("spiffe://cluster.local/ns/default/sa/app"));
            request.CertificateExtensions.Add(san.Build());
        }

        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var cert = signed is { } s
            ? request.Create(request.SubjectName, s.Generator, NotBefore, notAfter ?? NotBefore.AddDays(90), s.Serial)
            : request.CreateSelfSigned(NotBefore, notAfter ?? NotBefore.AddDays(90));
        return cert.ExportCertificatePem() + "\n";
    }

    private static string Ca(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(
            new X509SubjectKeyIdentifierExtension(request.PublicKey, false)));
        using var cert = request.CreateSelfSigned(NotBefore, NotBefore.AddYears(5));
        return cert.ExportCertificatePem() + "\n";
    }

    /// <summary>RFC 5915 ECPrivateKey with the curve but without the optional public key (OpenSSL derives it).</summary>
    private static string Sec1WithoutPublicPoint(ECDsa key, string curveOid) => Sec1(key, curveOid, publicPointOf: null);

    /// <summary>RFC 5915 ECPrivateKey: <paramref name="key"/>'s scalar, with the public point of <paramref name="publicPointOf"/> (none when null).</summary>
    private static string Sec1(ECDsa key, string curveOid, ECDsa? publicPointOf)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
            writer.WriteOctetString(key.ExportParameters(true).D);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                writer.WriteObjectIdentifier(curveOid);
            }

            if (publicPointOf is not null)
            {
                var q = publicPointOf.ExportParameters(false).Q;
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                {
                    writer.WriteBitString([0x04, .. q.X!, .. q.Y!]);
                }
            }
        }

        return PemEncoding.WriteString("EC PRIVATE KEY", writer.Encode());
    }
}
