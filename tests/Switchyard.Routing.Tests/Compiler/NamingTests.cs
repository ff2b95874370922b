using Switchyard.Routing.Compiler;

namespace Switchyard.Routing.Tests.Compiler;

public class NamingTests
{
    [Test]
    public void RouterNameIsNamespaceNameAndTenHexBytesOfTheRuleHash()
    {
        // printf %s 'Host(`app.example.com`)' | sha256sum → ead48400e2fed159e4c5…
        Assert.That(Naming.RouterName("default", "app", "Host(`app.example.com`)"), Is.EqualTo("default-app-ead48400e2fed159e4c5"));
    }

    [TestCase("team.a-my.app_v1", "team-a-my-app-v1")]
    [TestCase("--a..b--", "a-b")]
    [TestCase("ns/name", "ns-name")]
    public void NormalizeLikeTraefik(string input, string expected) => Assert.That(Naming.Normalize(input), Is.EqualTo(expected));

    [TestCase("100ms", 100)]
    [TestCase("1m30s", 90_000)]
    [TestCase("10", 10_000)]
    [TestCase("1.5h", 5_400_000)]
    [TestCase("0", 0)]
    public void GoDurationsParse(string text, long milliseconds)
    {
        Assert.That(GoDuration.TryParse(text, out var value), Is.True);
        Assert.That(value.TotalMilliseconds, Is.EqualTo(milliseconds));
        Assert.That(GoDuration.TryParse(GoDuration.Format(value), out var again), Is.True, "Format output parses back");
        Assert.That(again, Is.EqualTo(value));
    }

    [TestCase("fast")]
    [TestCase("10x")]
    [TestCase("")]
    [TestCase("s")]
    public void BadDurationsDoNotParse(string text) => Assert.That(GoDuration.TryParse(text, out _), Is.False);
}
