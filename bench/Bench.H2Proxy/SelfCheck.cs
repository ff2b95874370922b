using System.Text;
using Bench.H2Proxy.Http2Upstream;

/// <summary>
/// `Bench.H2Proxy selfcheck`: the HPACK decoder against RFC 7541's own examples (C.3 without Huffman, C.4 with
/// Huffman, both across three blocks sharing the dynamic table) and a Huffman round trip of every byte value.
/// </summary>
internal static class SelfCheck
{
    public static int Run()
    {
        var all = new byte[256];
        for (var i = 0; i < 256; i++)
        {
            all[i] = (byte)i;
        }

        var enc = new byte[1024];
        var dec = new byte[1024];
        var n = Huffman.Encode(all, enc);
        var m = Huffman.Decode(enc.AsSpan(0, n), dec);
        Check(m == 256 && dec.AsSpan(0, 256).SequenceEqual(all), "Huffman round trip of 0..255");

        Blocks("C.3", ["828684410f7777772e6578616d706c652e636f6d", "828684be58086e6f2d6361636865",
            "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565"]);
        Blocks("C.4", ["828684418cf1e3c2e5f23a6ba0ab90f4ff", "828684be5886a8eb10649cbf",
            "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf"]);
        Console.WriteLine("selfcheck: ok");
        return 0;
    }

    private static void Blocks(string name, string[] hex)
    {
        string[][] expected =
        [
            [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"],
            [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com", "cache-control: no-cache"],
            [":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com", "custom-key: custom-value"],
        ];
        var decoder = new HpackDecoder();
        for (var i = 0; i < hex.Length; i++)
        {
            var sink = new ListSink();
            decoder.Decode(Convert.FromHexString(hex[i]), sink);
            Check(sink.Fields.SequenceEqual(expected[i]), $"{name} block {i + 1}: {string.Join(", ", sink.Fields)}");
        }
    }

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException("selfcheck failed: " + what);
        }
    }

    private sealed class ListSink : IHeaderSink
    {
        public readonly List<string> Fields = [];

        public void OnHeader(string name, string value) => Fields.Add(name + ": " + value);
    }
}
