using System.Buffers;
using System.IO.Pipelines;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// One call on a backend connection. Pooled: its body pipe, header lists and signals are reused call after call.
/// Every field the read loop touches is guarded by the connection's lock.
/// </summary>
internal sealed class UpstreamStream : IHeaderSink
{
    private static readonly PipeOptions BodyOptions = new(MemoryPool<byte>.Shared, PipeScheduler.ThreadPool,
        PipeScheduler.Inline, pauseWriterThreshold: 0, resumeWriterThreshold: 0, minimumSegmentSize: 4096,
        useSynchronizationContext: false);

    public readonly Pipe Body = new(BodyOptions);
    public readonly List<KeyValuePair<string, string>> Headers = new(8);
    public readonly List<KeyValuePair<string, string>> Trailers = new(4);
    public readonly Signal HeadersArrived = new();
    public readonly Signal WindowOpened = new();

    public UpstreamConnection? Connection;
    public int Id;
    public int Status;
    public bool HeadersReceived;
    public bool RemoteEnded;
    public bool Closed; // reset, ended by the backend, or the connection died: no more frames either way
    public bool WaitingForWindow;
    public bool LocalEnded; // END_STREAM sent
    public long SendWindow;
    public long ReceiveWindow; // what the backend may still send on this stream before our next WINDOW_UPDATE
    public int ReceivedUnacked;
    public int HeaderListSize; // decoded size (RFC 9113 6.5.2) of the current block
    public bool HeaderListTooLarge;

    public void Prepare(UpstreamConnection connection)
    {
        Connection = connection;
        Id = 0;
        Status = 0;
        HeadersReceived = RemoteEnded = Closed = WaitingForWindow = LocalEnded = HeaderListTooLarge = false;
        ReceivedUnacked = 0;
        HeaderListSize = 0;
        ReceiveWindow = UpstreamConnection.StreamWindow;
        Headers.Clear();
        Trailers.Clear();
        HeadersArrived.Reset();
    }

    public void OnHeader(string name, string value)
    {
        // A block may expand far beyond its wire size (one byte can name a 4 KiB dynamic-table entry): the decoded
        // list is capped at what we advertised, and the stream is reset once the block is decoded.
        HeaderListSize += name.Length + value.Length + 32;
        if (HeaderListSize > UpstreamConnection.MaxHeaderList)
        {
            HeaderListTooLarge = true;
            return;
        }

        if (!HeadersReceived)
        {
            if (name == ":status")
            {
                Status = int.TryParse(value, out var s) ? s : 0;
                return;
            }

            Headers.Add(new(name, value));
        }
        else if (name[0] != ':')
        {
            Trailers.Add(new(name, value));
        }
    }

    /// <summary>Recycles the pipe; the stream is closed (or was never opened), so no one else touches it any more.</summary>
    public void Recycle()
    {
        Body.Writer.Complete();
        Body.Reader.Complete();
        Body.Reset();
        Connection = null;
    }
}

/// <summary>A connection error (RFC 9113 5.4.1): the connection answers GOAWAY with the code and closes.</summary>
internal sealed class Http2ProtocolException(uint code, string message) : Exception(message)
{
    public uint Code { get; } = code;
}

/// <summary>Why a call failed before or while the backend answered.</summary>
internal sealed class UpstreamException(string message, bool beforeProcessing = false) : IOException(message)
{
    /// <summary>The backend never saw the call (refused, GOAWAY above it): safe to retry elsewhere.</summary>
    public bool BeforeProcessing { get; } = beforeProcessing;
}
