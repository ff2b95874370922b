using System.IO.Pipelines;
using System.Net.Sockets;

namespace Switchyard.DataPlane.Tcp;

/// <summary>
/// Kestrel's connection pipes as one Stream, for SslStream (TLS termination of a TCP route) and for the copy loops.
/// Writes flush at once (the bytes belong to someone waiting); a flush that must wait applies backpressure.
/// </summary>
internal sealed class DuplexPipeStream(IDuplexPipe pipe) : Stream
{
    private readonly Stream _input = pipe.Input.AsStream(leaveOpen: true);
    private readonly PipeWriter _output = pipe.Output;
    private NetworkStream? _socketOutput;

    /// <summary>From now on writes go to this socket (the connection's own) instead of Kestrel's output pipe.</summary>
    public void WriteTo(Socket socket) => _socketOutput = new NetworkStream(socket, ownsSocket: false);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Our writing half is done: the client sees the end of the stream.</summary>
    public void CompleteOutput() => _output.Complete();

    public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _input.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _input.ReadAsync(buffer, offset, count, cancellationToken);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_socketOutput is { } socket)
        {
            await socket.WriteAsync(buffer, cancellationToken);
            return;
        }

        await _output.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken).AsTask();

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
