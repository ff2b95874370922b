using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// A ServersTransport's connection pool as the forwarder calls it: a request whose body YARP copies goes out through
/// <see cref="WriteBehindContent"/>, so no 64 KB copy buffer waits on the backend connection per call in flight.
/// Every other request (no body, health probes) goes to the handler unchanged.
/// </summary>
internal sealed class WriteBehindInvoker(HttpMessageHandler handler) : HttpMessageInvoker(handler, disposeHandler: true)
{
    // YARP's StreamCopyHttpContent is internal: recognised by its type, looked up once.
    private static readonly Type? YarpBodyContent = typeof(IHttpForwarder).Assembly.GetType("Yarp.ReverseProxy.Forwarder.StreamCopyHttpContent");

    public override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content && content.GetType() == YarpBodyContent)
        {
            request.Content = new WriteBehindContent(content);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
