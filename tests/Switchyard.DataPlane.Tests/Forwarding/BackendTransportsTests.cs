using Switchyard.DataPlane.Forwarding;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Tests.Forwarding;

/// <summary>
/// A transport's pool key is its config's fingerprint: the default transport's is written out (no serialization on the
/// way to the first table) and must stay what the serializer gives, or an explicit transport equal to the defaults
/// would get a pool of its own across a swap.
/// </summary>
public sealed class BackendTransportsTests
{
    [Test]
    public void The_written_out_default_fingerprint_is_the_serializers()
    {
        Assert.That(TableFingerprint.Compute(ServersTransportConfig.Default)[..32], Is.EqualTo(BackendTransports.DefaultFingerprint),
            "ServersTransportConfig.Default or its JSON form changed: write the new value into BackendTransports.DefaultFingerprint");
    }

    [Test]
    public void A_config_equal_to_the_default_gets_the_default_key_and_any_other_its_own()
    {
        var copy = ServersTransportConfig.Default with { };
        var changed = ServersTransportConfig.Default with { MaxIdleConnsPerHost = 7 };
        var withSans = ServersTransportConfig.Default with { PeerCertSans = ["DNS:a.example"] };

        Assert.Multiple(() =>
        {
            Assert.That(BackendTransports.Fingerprint(copy), Is.EqualTo(TableFingerprint.Compute(copy)[..32]));
            Assert.That(BackendTransports.Fingerprint(changed), Is.EqualTo(TableFingerprint.Compute(changed)[..32]));
            Assert.That(BackendTransports.Fingerprint(changed), Is.Not.EqualTo(BackendTransports.DefaultFingerprint));
            Assert.That(BackendTransports.Fingerprint(withSans), Is.Not.EqualTo(BackendTransports.DefaultFingerprint));
            Assert.That(BackendTransports.Key("default", copy, ServerScheme.H2c),
                Is.EqualTo(BackendTransports.Key("default", ServersTransportConfig.Default, ServerScheme.H2c)));
        });
    }
}
