using System.Text;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.HealthChecks;

/// <summary>
/// Canonical swap-state keys for health state. Records with ImmutableArray / dictionaries do not compare by
/// content, so the keys spell out every field that must reset the state when it changes.
/// </summary>
public static class HealthCheckKeys
{
    public static string Active(string serverUrl, HealthCheckConfig check, string transportId, ServersTransportConfig transport)
    {
        var sb = new StringBuilder("balancing/active/");
        sb.Append(serverUrl).Append('|')
            .Append(check.Mode).Append('|').Append(check.Scheme).Append('|').Append(check.Path).Append('|')
            .Append(check.Method).Append('|').Append(check.Status).Append('|').Append(check.Port).Append('|')
            .Append(check.Interval.Ticks).Append('|').Append(check.UnhealthyInterval.Ticks).Append('|')
            .Append(check.Timeout.Ticks).Append('|').Append(check.Hostname).Append('|')
            .Append(check.FollowRedirects).Append('|').Append(check.GrpcService).Append('|');
        foreach (var (name, value) in check.Headers)
        {
            sb.Append(name).Append('=').Append(value).Append(';');
        }

        sb.Append('|').Append(transportId).Append(':').Append(Transport(transport));
        return sb.ToString();
    }

    public static string Passive(string serviceId, string serverUrl, PassiveHealthCheckConfig config) =>
        $"balancing/passive/{serviceId}|{serverUrl}|{config.FailureWindow.Ticks}|{config.MaxFailedAttempts}";

    private static string Transport(ServersTransportConfig t)
    {
        var sb = new StringBuilder();
        sb.Append(t.ServerName).Append(',').Append(t.InsecureSkipVerify).Append(',').Append(t.DisableHttp2)
            .Append(',').Append(t.Timeouts.DialTimeout.Ticks).Append(',').Append(t.PeerCertUri)
            .Append(',').Append(t.MinVersion).Append(',').Append(t.MaxVersion).Append(',').Append(t.MaxIdleConnsPerHost);
        foreach (var suite in t.CipherSuites.IsDefault ? [] : t.CipherSuites)
        {
            sb.Append(",suite:").Append(suite);
        }

        foreach (var ca in t.RootCas.IsDefault ? [] : t.RootCas)
        {
            sb.Append(",ca:").Append(ca.Fingerprint);
        }

        foreach (var cert in t.ClientCertificates.IsDefault ? [] : t.ClientCertificates)
        {
            sb.Append(",cert:").Append(cert.Fingerprint);
        }

        return sb.ToString();
    }
}
