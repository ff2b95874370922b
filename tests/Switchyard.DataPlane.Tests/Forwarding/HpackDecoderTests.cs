using Switchyard.DataPlane.Forwarding.Http2Upstream;

namespace Switchyard.DataPlane.Tests.Forwarding;

/// <summary>The upstream prototype's HPACK decoder against RFC 7541's own examples (Appendix C), and its Huffman code.</summary>
public sealed class HpackDecoderTests
{
    private sealed class ListSink : IHeaderSink
    {
        public readonly List<string> Fields = [];

        public void OnHeader(string name, string value) => Fields.Add(name + ": " + value);
    }

    private static readonly string[][] Requests =
    [
        [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"],
        [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com", "cache-control: no-cache"],
        [":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com", "custom-key: custom-value"],
    ];

    [TestCase("828684410f7777772e6578616d706c652e636f6d", "828684be58086e6f2d6361636865",
        "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565", TestName = "C.3 requests without Huffman, sharing the dynamic table")]
    [TestCase("828684418cf1e3c2e5f23a6ba0ab90f4ff", "828684be5886a8eb10649cbf",
        "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf", TestName = "C.4 requests with Huffman, sharing the dynamic table")]
    public void Decodes_the_RFC_examples(string first, string second, string third)
    {
        var decoder = new HpackDecoder();
        string[] blocks = [first, second, third];
        for (var i = 0; i < blocks.Length; i++)
        {
            var sink = new ListSink();
            decoder.Decode(Convert.FromHexString(blocks[i]), sink);
            Assert.That(sink.Fields, Is.EqualTo(Requests[i]), $"block {i + 1}");
        }
    }

    [Test]
    public void Huffman_round_trips_every_byte_value_and_rejects_bad_padding()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var encoded = new byte[1024];
        var decoded = new byte[1024];
        var n = Huffman.Encode(all, encoded);
        var m = Huffman.Decode(encoded.AsSpan(0, n), decoded);
        Assert.That(decoded.AsSpan(0, m).ToArray(), Is.EqualTo(all));

        // "a" is 00011 (5 bits): padding must be ones; zeros are an error (RFC 7541 5.2).
        Assert.That(Huffman.Decode([0b0001_1111], decoded), Is.EqualTo(1));
        Assert.That(Huffman.Decode([0b0001_1000], decoded), Is.EqualTo(-1));
    }

    [Test]
    public void A_dynamic_table_size_update_above_the_advertised_maximum_is_refused()
    {
        // 001xxxxx with 5-bit prefix: 0x3F then 8193 - 31 as a varint.
        var block = new byte[] { 0x3F, 0xE2, 0x3F };
        Assert.Throws<HpackException>(() => new HpackDecoder().Decode(block, new ListSink()));
    }
}
