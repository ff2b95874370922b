using System.Text;

namespace Switchyard.Model.Tests;

/// <summary>
/// The managed SHA-256 that names and fingerprints configuration (so the compile path never loads OpenSSL) must give
/// exactly the framework's digests: router names and table fingerprints are derived from it.
/// </summary>
[CancelAfter(10_000)]
public class Sha256Tests
{
    [Test]
    public void Known_answers_of_FIPS_180_4()
    {
        Assert.That(Convert.ToHexStringLower(Sha256.HashData(""u8)),
            Is.EqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        Assert.That(Convert.ToHexStringLower(Sha256.HashData("abc"u8)),
            Is.EqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        Assert.That(Convert.ToHexStringLower(Sha256.HashData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"u8)),
            Is.EqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    }

    [Test]
    public void Every_length_across_the_padding_boundaries_matches_the_framework()
    {
        var random = new Random(21);
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.That(Sha256.HashData(data), Is.EqualTo(System.Security.Cryptography.SHA256.HashData(data)), $"length {length}");
        }
    }

    [Test]
    public void Appending_in_pieces_gives_the_digest_of_the_whole_and_starts_over()
    {
        var random = new Random(2);
        var data = new byte[1 << 20];
        random.NextBytes(data);
        var expected = System.Security.Cryptography.SHA256.HashData(data);
        var sha = new Sha256();
        foreach (var piece in new[] { 1, 63, 64, 65, 7, 128, 1000, 4096 })
        {
            for (var offset = 0; offset < data.Length; offset += piece)
            {
                sha.Append(data.AsSpan(offset, Math.Min(piece, data.Length - offset)));
            }

            Assert.That(sha.GetHashAndReset(), Is.EqualTo(expected), $"pieces of {piece}");
        }

        Assert.That(sha.GetHashAndReset(), Is.EqualTo(System.Security.Cryptography.SHA256.HashData(Array.Empty<byte>())), "reset to empty");
    }

    [Test]
    public void Router_name_text_hashes_as_before()
    {
        var match = Encoding.UTF8.GetBytes("Host(`example.com`) && PathPrefix(`/greet.Greeter`)");
        var into = new byte[32];
        Sha256.HashData(match, into);
        Assert.That(into, Is.EqualTo(System.Security.Cryptography.SHA256.HashData(match)));
    }
}
