namespace Switchyard.DataPlane.Middlewares.Buffering;

/// <summary>
/// A body held while buffering: in memory up to <c>memBytes</c> (Traefik's memRequestBodyBytes /
/// memResponseBodyBytes), then in a temporary file deleted on dispose. <see cref="TryWriteAsync"/> refuses data past
/// <c>maxBytes</c> (0: no limit) so the caller can answer "too large".
/// </summary>
internal sealed class SpillBuffer(long memBytes, long maxBytes) : IDisposable
{
    private readonly MemoryStream _memory = new();
    private FileStream? _file;

    public long Length => _file?.Length ?? _memory.Length;

    /// <summary>Append; false (and nothing written) when the total would exceed the maximum.</summary>
    public async ValueTask<bool> TryWriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (maxBytes > 0 && Length + data.Length > maxBytes)
        {
            return false;
        }

        if (_file is null && _memory.Length + data.Length > memBytes)
        {
            _file = new FileStream(Path.Combine(Path.GetTempPath(), "switchyard-buffer-" + Guid.NewGuid().ToString("N")),
                FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            _memory.Position = 0;
            await _memory.CopyToAsync(_file, cancellationToken);
            _memory.SetLength(0);
        }

        if (_file is not null)
        {
            await _file.WriteAsync(data, cancellationToken);
        }
        else
        {
            _memory.Write(data.Span);
        }

        return true;
    }

    /// <summary>The buffered bytes from the start (the buffer keeps ownership; dispose the buffer, not the stream).</summary>
    public Stream Rewind()
    {
        Stream stream = _file is not null ? _file : _memory;
        stream.Position = 0;
        return stream;
    }

    public void Dispose()
    {
        _file?.Dispose();
        _memory.Dispose();
    }
}
