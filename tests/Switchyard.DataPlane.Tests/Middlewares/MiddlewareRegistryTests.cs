using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.DataPlane.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>Types without a factory, and configs a factory refuses, are reported — never passed through.</summary>
[TestFixture]
public sealed class MiddlewareRegistryTests
{
    private static readonly MiddlewareBuildContext Context =
        new(new ServiceCollection().BuildServiceProvider(), new TestSwapState(), RoutingTable.Empty);

    private static (bool Ok, IRouteMiddleware? Middleware, string? Error) Create(MiddlewareConfig config)
    {
        var ok = MiddlewareRegistry.TryCreate("default-m", config, Context, out var middleware, out var error);
        return (ok, middleware, error);
    }

    [Test]
    public void AnUnsupportedTypeIsReported()
    {
        var (ok, middleware, error) = Create(new UnsupportedMiddlewareConfig("plugin"));
        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(middleware, Is.Null);
            Assert.That(error, Does.Contain("default-m").And.Contain("plugin"));
        });
    }

    [Test]
    public void ATypeWithoutAFactoryIsReportedNotPassedThrough()
    {
        var config = new NoFactoryConfig();
        var (ok, middleware, error) = Create(config);
        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(middleware, Is.Null);
            Assert.That(error, Does.Contain("not implemented"));
        });
    }

    [Test]
    public void ABadRegexCannotReachTheDataPlane()
    {
        // Patterns are compiled by the compiler into the table (issue 13.2): a bad one is refused there, with the reason.
        var pattern = RegexPattern.TryCreate("([unclosed", out var error);
        Assert.Multiple(() =>
        {
            Assert.That(pattern, Is.Null);
            Assert.That(error, Does.Contain("missing closing"));
        });
    }

    [Test]
    public void EveryImplementedTypeBuilds()
    {
        MiddlewareConfig[] configs =
        [
            new RateLimitConfig(10, TimeSpan.FromSeconds(1), 5, SourceCriterionConfig.RemoteAddress),
            new HeadersConfig(),
            new GrpcWebConfig(["*"]),
            new AddPrefixConfig("/p"),
            new StripPrefixConfig(["/p"], false),
            new StripPrefixRegexConfig([RegexPattern.Parse("/p[0-9]")]),
            new ReplacePathConfig("/x"),
            new ReplacePathRegexConfig(RegexPattern.Parse("^/a"), "/b"),
            new RedirectSchemeConfig("https", null, true),
            new RedirectRegexConfig(RegexPattern.Parse("^http://a/(.*)"), "https://a/$1", false),
            new IpAllowListConfig([System.Net.IPNetwork.Parse("10.0.0.0/8")], null, 403),
            new BasicAuthConfig([new BasicAuthUser("u", "{SHA}/vNB+F2HQ559kaLUZbmHHvZrXpg=")], "r", false, null),
            new InFlightReqConfig(3, SourceCriterionConfig.RemoteAddress),
            new RetryConfig(2, TimeSpan.FromMilliseconds(10)),
            new CompressConfig([], [], 1024, ["gzip"], null),
            new ContentTypeConfig(true),
            new PassTlsClientCertConfig(true, ["notAfter"]),
            new EncodedCharactersConfig(ImmutableSortedDictionary<string, bool>.Empty),
            new ForwardAuthConfig("http://auth", false, ImmutableArray<string>.Empty, null, ImmutableArray<string>.Empty, false, 0, false, null),
            new CircuitBreakerConfig(BreakerExpression.Parse("NetworkErrorRatio() > 0.5"), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), 503),
            new BufferingConfig(1000, 100, 0, 1024),
            new DigestAuthConfig([new DigestAuthUser("u", "0123456789abcdef0123456789abcdef")], "r", false, null),
        ];
        // errors needs the table's services, so it is built (and tested) through the table: ErrorsTests.

        foreach (var config in configs)
        {
            var (ok, middleware, error) = Create(config);
            Assert.That(ok && middleware is not null, Is.True, $"{config.GetType().Name}: {error}");
        }
    }
}

/// <summary>A config type no factory knows (every Traefik type has one now).</summary>
internal sealed record NoFactoryConfig : MiddlewareConfig;
