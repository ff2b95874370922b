namespace Switchyard.DataPlane.HealthChecks;

/// <summary>Sends the check's <c>hostname</c> as Host / :authority (Grpc.Net.Client derives it from the address otherwise).</summary>
internal sealed class HostOverrideHandler(string host, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Host = host;
        return base.SendAsync(request, cancellationToken);
    }
}
