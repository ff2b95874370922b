using System.Net;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// YARP's request-body content (its copy of the caller's body, with its own error reporting) handed to the transport
/// through a <see cref="WriteBehindStream"/>: YARP still reads the caller, counts, flushes per gRPC message and
/// reports every request-body error; only its 64 KB copy buffer is no longer held while the backend connection is
/// busy. YARP refuses a replaced request content in its transformer, hence the swap in
/// <see cref="WriteBehindInvoker"/>, after YARP's check.
/// </summary>
internal sealed class WriteBehindContent : HttpContent
{
    private readonly HttpContent _yarpContent;

    public WriteBehindContent(HttpContent yarpContent)
    {
        _yarpContent = yarpContent;
        // Content-Type, Content-Length and the rest were copied onto YARP's content by the transformer.
        foreach (var header in yarpContent.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var writeBehind = new WriteBehindStream(stream);
        try
        {
            await _yarpContent.CopyToAsync(writeBehind, context, cancellationToken);
        }
        catch
        {
            writeBehind.Abandon();
            throw;
        }

        await writeBehind.DrainAsync();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _yarpContent.Dispose();
        }

        base.Dispose(disposing);
    }
}
