using System.Collections.Immutable;
using System.Text;
using Switchyard.Model;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// The service nodes of the table being built, by id. Ids follow Traefik (<c>namespace-name-port</c>,
/// <c>namespace-name</c>, router name for a route's own weighted node). Traefik silently lets the last writer
/// win when two different configurations get the same id (same Service port, different scheme, say); here
/// the second one gets the id plus a short hash of what distinguishes it, so both routes get what they asked.
/// </summary>
internal sealed class ServiceRegistry
{
    private readonly Dictionary<string, ServiceConfig> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _claims = new(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="config"/> under <paramref name="preferredId"/>, or a derived id when that id is taken by another configuration.</summary>
    /// <param name="identity">What makes this configuration what it is (equal identity ⇒ equal config).</param>
    public string Add(string preferredId, string identity, ServiceConfig config)
    {
        if (_claims.TryGetValue(preferredId, out var owner))
        {
            if (owner == identity)
            {
                return preferredId;
            }

            var id = preferredId + "-" + Convert.ToHexStringLower(Sha256.HashData(Encoding.UTF8.GetBytes(identity)))[..8];
            if (!_claims.ContainsKey(id))
            {
                _claims[id] = identity;
                _services[id] = config;
            }

            return id;
        }

        _claims[preferredId] = identity;
        _services[preferredId] = config;
        return preferredId;
    }

    public bool Contains(string id) => _services.ContainsKey(id);

    public bool TryGet(string id, out ServiceConfig? config) => _services.TryGetValue(id, out config);

    /// <summary>Only the services reachable from <paramref name="roots"/> (a dropped route leaves no orphan nodes).</summary>
    public ImmutableSortedDictionary<string, ServiceConfig> Reachable(IEnumerable<string> roots)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, ServiceConfig>(StringComparer.Ordinal);
        var stack = new Stack<string>(roots);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (builder.ContainsKey(id) || !_services.TryGetValue(id, out var config))
            {
                continue;
            }

            builder[id] = config;
            foreach (var child in Children(config))
            {
                stack.Push(child);
            }
        }

        return builder.ToImmutable();
    }

    public static IEnumerable<string> Children(ServiceConfig config) => ServiceTree.Children(config);
}
