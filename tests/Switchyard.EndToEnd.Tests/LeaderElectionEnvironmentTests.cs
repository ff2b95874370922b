using Switchyard.Configuration;
using Switchyard.TestKit;

namespace Switchyard.EndToEnd.Tests;

/// <summary>The Helm chart configures leader election through the environment; `run` must read exactly that.</summary>
public class LeaderElectionEnvironmentTests
{
    [Test]
    public void ChartEnvironmentSetsTheLeaseTheChartsRbacAllows()
    {
        var env = new Dictionary<string, string>
        {
            ["POD_NAME"] = "switchyard-7c9-abcde",
            ["POD_NAMESPACE"] = "ingress",
            ["SWITCHYARD_LEADER_ELECTION"] = "true",
            ["SWITCHYARD_LEADER_ELECTION_NAMESPACE"] = "ingress",
            ["SWITCHYARD_LEADER_ELECTION_LEASE_NAME"] = "switchyard-leader",
            ["SWITCHYARD_LEADER_ELECTION_LEASE_DURATION"] = "15s",
            ["SWITCHYARD_LEADER_ELECTION_RENEW_DEADLINE"] = "10s",
            ["SWITCHYARD_LEADER_ELECTION_RETRY_PERIOD"] = "2s",
        };

        var options = LeaderElectionEnvironment.Read(k => env.GetValueOrDefault(k));

        Assert.That(options, Is.Not.Null);
        Assert.That(options!.LeaseName, Is.EqualTo("switchyard-leader"));
        Assert.That(options.Namespace, Is.EqualTo("ingress"));
        Assert.That(options.Identity, Is.EqualTo("switchyard-7c9-abcde"));
        Assert.That(options.LeaseDuration, Is.EqualTo(TimeSpan.FromSeconds(15)));
        Assert.That(options.RenewDeadline, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(options.RetryPeriod, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(LeaderElectionEnvironment.OperatorNamespace(k => env.GetValueOrDefault(k)), Is.EqualTo("ingress"));
    }

    [Test]
    public void DisabledMeansNoLeaseAndABadDurationIsAnError()
    {
        Assert.That(LeaderElectionEnvironment.Read(k => k == "SWITCHYARD_LEADER_ELECTION" ? "false" : null), Is.Null);
        var ex = Assert.Throws<ArgumentException>(() =>
            LeaderElectionEnvironment.Read(k => k == "SWITCHYARD_LEADER_ELECTION_LEASE_DURATION" ? "soon" : null));
        Assert.That(ex!.Message, Does.Contain("SWITCHYARD_LEADER_ELECTION_LEASE_DURATION"));
    }

    [Test]
    public void TheChartSetsEveryVariableThatIsRead()
    {
        var deployment = File.ReadAllText(Path.Combine(RepositoryRoot.Folder, "charts", "switchyard", "templates", "deployment.yaml"));
        foreach (var name in new[]
        {
            "POD_NAME", "POD_NAMESPACE", "SWITCHYARD_LEADER_ELECTION", "SWITCHYARD_LEADER_ELECTION_NAMESPACE",
            "SWITCHYARD_LEADER_ELECTION_LEASE_NAME", "SWITCHYARD_LEADER_ELECTION_LEASE_DURATION",
            "SWITCHYARD_LEADER_ELECTION_RENEW_DEADLINE", "SWITCHYARD_LEADER_ELECTION_RETRY_PERIOD",
        })
        {
            Assert.That(deployment, Does.Contain($"- name: {name}\n"), name);
        }
    }
}
