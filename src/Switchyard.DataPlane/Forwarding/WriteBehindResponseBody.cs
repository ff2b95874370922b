using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// The caller's response body while YARP copies the backend's answer into it: writes go through a
/// <see cref="WriteBehindStream"/>, so YARP's 64 KB copy buffer is not held while Kestrel's HTTP/2 frame writer (one per
/// connection, shared by its streams) takes each write. Starting, completing (YARP completes gRPC responses itself)
/// and sending files first wait for the writes in flight, so the caller sees the bytes, then the trailers, in order.
/// </summary>
internal sealed class WriteBehindResponseBody(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    private readonly WriteBehindStream _stream = new(inner.Stream);

    public Stream Stream => _stream;

    public PipeWriter Writer => inner.Writer;

    public void DisableBuffering() => inner.DisableBuffering();

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _stream.DrainAsync();
        await inner.StartAsync(cancellationToken);
    }

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        await _stream.DrainAsync();
        await inner.SendFileAsync(path, offset, count, cancellationToken);
    }

    public async Task CompleteAsync()
    {
        await DrainAsync();
        await inner.CompleteAsync();
    }

    /// <summary>
    /// Waits for the last write. Its failure is not thrown: YARP's copy already ended, the caller is gone (a failed
    /// write to Kestrel means the stream or connection was reset) and Kestrel ends the call itself.
    /// </summary>
    public async ValueTask DrainAsync()
    {
        try
        {
            await _stream.DrainAsync();
        }
        catch (Exception)
        {
            // Nobody is left to tell.
        }
    }
}
