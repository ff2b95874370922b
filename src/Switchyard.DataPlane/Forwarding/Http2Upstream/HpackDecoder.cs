using System.Text;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>Receives the fields of one decoded header block.</summary>
internal interface IHeaderSink
{
    void OnHeader(string name, string value);
}

/// <summary>
/// HPACK decoder (RFC 7541) for one connection: static and dynamic table, Huffman strings. Entries are kept as
/// strings, so a field the backend indexes (content-type, grpc-status 0, ...) costs no allocation after its first
/// use. Not thread-safe: the connection's read loop is its only caller.
/// </summary>
internal sealed class HpackDecoder
{
    public const int MaxTableSize = 4096; // what we advertise (the protocol default)
    private const int MaxStringLength = 64 * 1024;

    private (string Name, string Value)[] _entries = new (string, string)[64];
    private int _head; // index of the newest entry
    private int _count;
    private int _size;
    private int _capacity = MaxTableSize;
    private readonly byte[] _scratch = new byte[MaxStringLength];

    /// <summary>Decodes a whole header block; throws <see cref="HpackException"/> when it is malformed.</summary>
    public void Decode(ReadOnlySpan<byte> block, IHeaderSink sink)
    {
        var p = 0;
        while (p < block.Length)
        {
            var b = block[p];
            if ((b & 0x80) != 0)
            {
                var index = ReadInt(block, ref p, 7);
                var (n, v) = Lookup(index);
                sink.OnHeader(n, v);
            }
            else if ((b & 0x40) != 0)
            {
                var nameIndex = ReadInt(block, ref p, 6);
                var name = nameIndex == 0 ? ReadString(block, ref p, true) : Lookup(nameIndex).Name;
                var value = ReadString(block, ref p, false);
                Insert(name, value);
                sink.OnHeader(name, value);
            }
            else if ((b & 0x20) != 0)
            {
                var size = ReadInt(block, ref p, 5);
                if (size > MaxTableSize)
                {
                    throw new HpackException("dynamic table size update above the advertised maximum");
                }

                _capacity = size;
                Evict(0);
            }
            else
            {
                // Literal without indexing (0000) or never indexed (0001): same layout, 4-bit name index.
                var nameIndex = ReadInt(block, ref p, 4);
                var name = nameIndex == 0 ? ReadString(block, ref p, true) : Lookup(nameIndex).Name;
                var value = ReadString(block, ref p, false);
                sink.OnHeader(name, value);
            }
        }
    }

    private static int ReadInt(ReadOnlySpan<byte> s, ref int p, int prefix)
    {
        var max = (1 << prefix) - 1;
        var v = s[p++] & max;
        if (v < max)
        {
            return v;
        }

        var shift = 0;
        while (true)
        {
            if (p >= s.Length || shift > 21)
            {
                throw new HpackException("bad integer");
            }

            var b = s[p++];
            v += (b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0)
            {
                return v;
            }
        }
    }

    private string ReadString(ReadOnlySpan<byte> s, ref int p, bool isName)
    {
        if (p >= s.Length)
        {
            throw new HpackException("truncated string");
        }

        var huffman = (s[p] & 0x80) != 0;
        var len = ReadInt(s, ref p, 7);
        if (len > s.Length - p || len > MaxStringLength)
        {
            throw new HpackException("string longer than its block");
        }

        var raw = s.Slice(p, len);
        p += len;
        if (huffman)
        {
            var n = Huffman.Decode(raw, _scratch);
            if (n < 0)
            {
                throw new HpackException("bad Huffman string");
            }

            raw = _scratch.AsSpan(0, n);
        }

        if (isName)
        {
            return KnownNames.Get(raw) ?? Encoding.Latin1.GetString(raw);
        }

        return KnownValues.Get(raw) ?? Encoding.Latin1.GetString(raw);
    }

    private (string Name, string Value) Lookup(int index)
    {
        if (index <= 0)
        {
            throw new HpackException("index 0");
        }

        if (index <= StaticTable.Entries.Length)
        {
            return StaticTable.Entries[index - 1];
        }

        var d = index - StaticTable.Entries.Length - 1;
        if (d >= _count)
        {
            throw new HpackException("index beyond the dynamic table");
        }

        return _entries[(_head - d + _entries.Length) % _entries.Length];
    }

    private void Insert(string name, string value)
    {
        var size = name.Length + value.Length + 32;
        if (size > _capacity)
        {
            _count = 0; // an entry larger than the table empties it (RFC 7541 4.4)
            _size = 0;
            return;
        }

        Evict(size);
        if (_count == _entries.Length)
        {
            var bigger = new (string, string)[_entries.Length * 2];
            for (var i = 0; i < _count; i++)
            {
                bigger[_count - 1 - i] = _entries[(_head - i + _entries.Length) % _entries.Length];
            }

            _entries = bigger;
            _head = _count - 1;
        }

        _head = (_head + 1) % _entries.Length;
        _entries[_head] = (name, value);
        _count++;
        _size += size;
    }

    private void Evict(int room)
    {
        while (_count > 0 && _size + room > _capacity)
        {
            var oldest = _entries[(_head - _count + 1 + _entries.Length) % _entries.Length];
            _size -= oldest.Name.Length + oldest.Value.Length + 32;
            _count--;
        }
    }
}

internal sealed class HpackException(string message) : Exception(message);
