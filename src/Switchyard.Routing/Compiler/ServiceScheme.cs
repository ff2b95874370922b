namespace Switchyard.Routing.Compiler;

/// <summary>Traefik's parseServiceProtocol: explicit http/https/h2c, else https for port 443 or an "https*" port name.</summary>
internal static class ServiceScheme
{
    public static bool TryResolve(string? explicitScheme, string? portName, int portNumber, out string scheme)
    {
        switch (explicitScheme)
        {
            case null or "":
                scheme = portNumber == 443 || (portName ?? "").StartsWith("https", StringComparison.Ordinal) ? "https" : "http";
                return true;
            case "http" or "https" or "h2c":
                scheme = explicitScheme;
                return true;
            default:
                scheme = "";
                return false;
        }
    }
}
