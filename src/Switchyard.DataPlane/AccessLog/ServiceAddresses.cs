namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// Traefik's ServiceAddr (the host:port of ServiceURL), parsed once per server URL: the forwarder hands the same
/// string for every call to a server, so the lines of a call after the first cost a lookup. Writer thread only.
/// </summary>
internal sealed class ServiceAddresses
{
    private const int Limit = 4096; // servers come and go; a full cache starts again rather than growing

    private readonly Dictionary<string, string?> _byUrl = new(StringComparer.Ordinal);
    private string? _lastUrl;
    private string? _lastAddress;

    public string? Of(string? url)
    {
        if (url is null)
        {
            return null;
        }

        // The forwarder hands each server's one Url string: consecutive lines of a server skip the hashing.
        if (ReferenceEquals(url, _lastUrl))
        {
            return _lastAddress;
        }

        if (!_byUrl.TryGetValue(url, out var address))
        {
            if (_byUrl.Count >= Limit)
            {
                _byUrl.Clear();
            }

            address = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Authority : null;
            _byUrl[url] = address;
        }

        _lastUrl = url;
        _lastAddress = address;
        return address;
    }
}
