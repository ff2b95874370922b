using System.Net;
using System.Net.Sockets;

namespace Switchyard.TestKit;

/// <summary>
/// A 127.0.0.1 listener whose accept queue is full: the kernel drops further SYNs, so a connect to it hangs until the
/// caller's dial timeout (or token) gives up. Disposing it closes the listener and the connections that filled it.
/// </summary>
public sealed class HangingListener : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _fillers = [];

    private HangingListener(Socket listener) => _listener = listener;

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndPoint!;

    public static async Task<HangingListener> StartAsync()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var hanging = new HangingListener(listener);
        for (var i = 0; i < 16; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            hanging._fillers.Add(filler);
            var connect = filler.ConnectAsync(hanging.Endpoint);
            if (await Task.WhenAny(connect, Task.Delay(1000)) != connect)
            {
                break; // the queue is full: this connect is the first one left hanging
            }
        }

        return hanging;
    }

    public void Dispose()
    {
        foreach (var filler in _fillers)
        {
            filler.Dispose();
        }

        _listener.Dispose();
    }
}
