using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler;

/// <summary>Traefik's parseServiceProtocol: explicit http/https/h2c, else https for port 443 or an "https*" port name.</summary>
internal static class ServiceScheme
{
    public static bool TryResolve(string? explicitScheme, string? portName, int portNumber, out ServerScheme scheme)
    {
        switch (explicitScheme)
        {
            case null or "":
                scheme = portNumber == 443 || (portName ?? "").StartsWith("https", StringComparison.Ordinal) ? ServerScheme.Https : ServerScheme.Http;
                return true;
            case "http":
                scheme = ServerScheme.Http;
                return true;
            case "https":
                scheme = ServerScheme.Https;
                return true;
            case "h2c":
                scheme = ServerScheme.H2c;
                return true;
            default:
                scheme = default;
                return false;
        }
    }
}
