using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Switchyard.DataPlane.EntryPoints;

/// <summary>
/// HTTP/1.1 and h2c (prior knowledge) on one cleartext port, which Kestrel cannot do by itself (an
/// Http1AndHttp2 endpoint without TLS is downgraded to HTTP/1.1). The public listener is HTTP/1.1; this
/// connection middleware peeks at the first bytes without consuming them, and when they are the 24-byte
/// HTTP/2 client preface it hands the connection to the pipeline of a hidden HTTP/2-only listener of the same
/// server (captured by <see cref="CaptureHttp2Pipeline"/>). Kestrel then reads the preface itself.
/// </summary>
internal sealed class H2cPrefaceSniffer
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private ConnectionDelegate? _http2;

    /// <summary>Connection middleware of the hidden HTTP/2 listener: remembers its pipeline, refuses direct connections.</summary>
    public Func<ConnectionDelegate, ConnectionDelegate> CaptureHttp2Pipeline => next =>
    {
        _http2 = next;
        return static connection =>
        {
            // Nobody should connect here directly: it only exists to build the HTTP/2 pipeline.
            connection.Abort();
            return Task.CompletedTask;
        };
    };

    /// <summary>Connection middleware of the public listener.</summary>
    public Func<ConnectionDelegate, ConnectionDelegate> Sniff => next => async connection =>
    {
        var http2 = _http2 ?? throw new InvalidOperationException("the HTTP/2 pipeline of the cleartext entry point was not built");
        if (await StartsWithPrefaceAsync(connection))
        {
            await http2(connection);
        }
        else
        {
            await next(connection);
        }
    };

    private static async ValueTask<bool> StartsWithPrefaceAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(connection.ConnectionClosed);
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            var buffer = result.Buffer;
            var decided = Compare(buffer, out var isPreface);
            // Consume nothing: whichever pipeline runs next reads the same bytes again.
            input.AdvanceTo(buffer.Start, decided ? buffer.Start : buffer.End);
            if (decided)
            {
                return isPreface;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                return false;
            }
        }
    }

    /// <summary>Decides as soon as the bytes differ from the preface, or once all 24 bytes matched.</summary>
    private static bool Compare(ReadOnlySequence<byte> buffer, out bool isPreface)
    {
        var length = (int)Math.Min(buffer.Length, Preface.Length);
        Span<byte> head = stackalloc byte[Preface.Length];
        buffer.Slice(0, length).CopyTo(head);
        if (!head[..length].SequenceEqual(Preface.AsSpan(0, length)))
        {
            isPreface = false;
            return true;
        }

        isPreface = length == Preface.Length;
        return isPreface;
    }
}
