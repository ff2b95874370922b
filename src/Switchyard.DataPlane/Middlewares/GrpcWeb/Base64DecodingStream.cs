using System.Buffers;
using System.Buffers.Text;

namespace Switchyard.DataPlane.Middlewares.GrpcWeb;

/// <summary>
/// Request body of application/grpc-web-text: base64 in, binary out, decoded as the data arrives in
/// 4-character groups (a partial group waits for the next read). Padding may appear mid-stream (a client
/// may pad each chunk it sends), so each padded group ends one decode run.
/// </summary>
public sealed class Base64DecodingStream(Stream inner) : Stream
{
    private readonly byte[] _input = new byte[4096 + 4];
    private readonly byte[] _output = new byte[((4096 + 4) / 4 * 3) + 3];
    private int _inputLength;
    private int _outputStart;
    private int _outputEnd;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_outputStart == _outputEnd)
        {
            var read = await inner.ReadAsync(_input.AsMemory(_inputLength, 4096), cancellationToken);
            if (read == 0)
            {
                if (_inputLength > 0)
                {
                    throw new InvalidDataException("grpc-web-text request body ends inside a base64 group");
                }

                return 0;
            }

            read = RemoveWhitespace(_input.AsSpan(_inputLength, read));
            var total = _inputLength + read;
            var aligned = total - (total % 4);
            _outputStart = 0;
            _outputEnd = Decode(_input.AsSpan(0, aligned), _output);
            _inputLength = total - aligned;
            _input.AsSpan(aligned, _inputLength).CopyTo(_input);
        }

        var n = Math.Min(buffer.Length, _outputEnd - _outputStart);
        _output.AsSpan(_outputStart, n).CopyTo(buffer.Span);
        _outputStart += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>Decode whole groups; each group holding '=' closes a run (decoded as a final block).</summary>
    internal static int Decode(ReadOnlySpan<byte> base64, Span<byte> output)
    {
        var written = 0;
        while (base64.Length > 0)
        {
            var pad = base64.IndexOf((byte)'=');
            var runEnd = pad < 0 ? base64.Length : ((pad / 4) + 1) * 4;
            var status = Base64.DecodeFromUtf8(base64[..runEnd], output[written..], out _, out var n, isFinalBlock: true);
            if (status != OperationStatus.Done)
            {
                throw new InvalidDataException("grpc-web-text request body is not valid base64");
            }

            written += n;
            base64 = base64[runEnd..];
        }

        return written;
    }

    private static int RemoveWhitespace(Span<byte> data)
    {
        if (data.IndexOfAny((byte)'\r', (byte)'\n', (byte)' ') < 0)
        {
            return data.Length;
        }

        var w = 0;
        foreach (var b in data)
        {
            if (b is not ((byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t'))
            {
                data[w++] = b;
            }
        }

        return w;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
