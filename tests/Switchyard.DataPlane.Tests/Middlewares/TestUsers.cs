using System.Collections.Immutable;
using Switchyard.Routing.Compiler.Middlewares;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Tests.Middlewares;

/// <summary>Auth users as the compiler reads them from a Secret (the data plane never reads htpasswd/htdigest text).</summary>
internal static class TestUsers
{
    public static ImmutableArray<BasicAuthUser> Basic(params string[] lines) => Checked(errors => AuthUsers.ParseBasic(string.Join('\n', lines), errors));

    public static ImmutableArray<DigestAuthUser> Digest(string realm, params string[] lines) =>
        Checked(errors => AuthUsers.ParseDigest(string.Join('\n', lines), realm, errors));

    private static ImmutableArray<T> Checked<T>(Func<List<string>, ImmutableArray<T>> parse)
    {
        var errors = new List<string>();
        var users = parse(errors);
        return errors.Count == 0 ? users : throw new ArgumentException(string.Join("; ", errors));
    }
}
