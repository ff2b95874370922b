using Switchyard.Kubernetes.Status;
using Switchyard.Routing.Compiler;

namespace Switchyard.Configuration;

/// <summary>
/// Leader election settings from the environment the Helm chart sets (SWITCHYARD_LEADER_ELECTION*, POD_NAME,
/// POD_NAMESPACE). The chart's RBAC only lets the operator touch its own Lease, so the Lease name must come from
/// here. Disabled ⇒ null: a single replica writes status itself.
/// </summary>
public static class LeaderElectionEnvironment
{
    public static LeadershipOptions? Read(Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        if (string.Equals(env("SWITCHYARD_LEADER_ELECTION"), "false", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var defaults = new LeadershipOptions();
        return new LeadershipOptions
        {
            Namespace = env("SWITCHYARD_LEADER_ELECTION_NAMESPACE") ?? OperatorNamespace(env),
            LeaseName = env("SWITCHYARD_LEADER_ELECTION_LEASE_NAME") ?? defaults.LeaseName,
            Identity = env("POD_NAME") ?? defaults.Identity,
            LeaseDuration = Duration(env, "SWITCHYARD_LEADER_ELECTION_LEASE_DURATION", defaults.LeaseDuration),
            RenewDeadline = Duration(env, "SWITCHYARD_LEADER_ELECTION_RENEW_DEADLINE", defaults.RenewDeadline),
            RetryPeriod = Duration(env, "SWITCHYARD_LEADER_ELECTION_RETRY_PERIOD", defaults.RetryPeriod),
        };
    }

    /// <summary>The operator's own namespace (Leases, ACME Secrets): $POD_NAMESPACE, else "switchyard".</summary>
    public static string OperatorNamespace(Func<string, string?>? env = null) =>
        (env ?? Environment.GetEnvironmentVariable)("POD_NAMESPACE") ?? "switchyard";

    private static TimeSpan Duration(Func<string, string?> env, string name, TimeSpan fallback)
    {
        var text = env(name);
        if (text is null)
        {
            return fallback;
        }

        return GoDuration.TryParse(text, out var value) && value > TimeSpan.Zero
            ? value
            : throw new ArgumentException($"{name}: '{text}' is not a duration such as 15s");
    }
}
