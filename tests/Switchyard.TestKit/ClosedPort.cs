using System.Net;
using System.Net.Sockets;

namespace Switchyard.TestKit;

/// <summary>A 127.0.0.1 port nothing listens on (bound once, then released): a connect to it is refused.</summary>
public static class ClosedPort
{
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
