using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Rules;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Tcp;

/// <summary>
/// MiddlewareTCPs (Traefik <c>pkg/middlewares/tcp</c>): ipAllowList (ipWhiteList deprecated) and inFlightConn,
/// exactly one per object. Each is validated once; routes referencing a broken or missing one are dropped.
/// </summary>
internal sealed class MiddlewareTcpProcessor
{
    private readonly CompileContext _context;
    private readonly Dictionary<string, TcpMiddlewareConfig> _valid = new(StringComparer.Ordinal);
    private readonly HashSet<string> _invalid = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public MiddlewareTcpProcessor(CompileContext context)
    {
        _context = context;
        foreach (var middleware in CompileContext.Sorted(context.MiddlewareTcps))
        {
            var id = Naming.ObjectId(CompileContext.NamespaceOf(middleware.Metadata), middleware.Metadata.Name ?? "");
            if (Build(middleware) is { } config)
            {
                _valid[id] = config;
            }
            else
            {
                _invalid.Add(id);
            }
        }
    }

    public ImmutableSortedDictionary<string, TcpMiddlewareConfig> Table =>
        _used.ToImmutableSortedDictionary(id => id, id => _valid[id], StringComparer.Ordinal);

    /// <summary>Adds the middleware's id to <paramref name="ids"/>; false after reporting why it cannot be used.</summary>
    public bool ResolveForRoute(MiddlewareRef reference, ResourceRef owner, string field, List<string> ids)
    {
        var ns = string.IsNullOrEmpty(reference.Namespace) ? owner.Namespace : reference.Namespace;
        if (ns != owner.Namespace && !_context.Options.AllowCrossNamespace)
        {
            _context.Error(DiagnosticCodes.CrossNamespaceNotAllowed, "CrossNamespaceNotAllowed", owner, field,
                $"MiddlewareTCP {ns}/{reference.Name} is in another namespace and allowCrossNamespace is off");
            return false;
        }

        var id = Naming.ObjectId(ns, reference.Name);
        if (_valid.ContainsKey(id))
        {
            _used.Add(id);
            ids.Add(id);
            return true;
        }

        var invalid = _invalid.Contains(id);
        _context.Error(invalid ? DiagnosticCodes.RouteMiddlewareInvalid : DiagnosticCodes.MiddlewareNotFound,
            invalid ? "MiddlewareInvalid" : "MiddlewareNotFound", owner, field,
            invalid ? $"MiddlewareTCP {ns}/{reference.Name} has errors (see its diagnostics); the route is not served"
                    : $"MiddlewareTCP {ns}/{reference.Name} not found; the route is not served");
        return false;
    }

    private TcpMiddlewareConfig? Build(MiddlewareTcp middleware)
    {
        var owner = CompileContext.RefOf(middleware);
        var spec = middleware.Spec;
        var types = new List<string>();
        if (spec.IpAllowList is not null) types.Add("ipAllowList");
        if (spec.IpWhiteList is not null) types.Add("ipWhiteList");
        if (spec.InFlightConn is not null) types.Add("inFlightConn");
        if (types.Count == 0)
        {
            _context.Error(DiagnosticCodes.MiddlewareNoType, "MiddlewareNoType", owner, "spec", "the MiddlewareTCP has no type (ipAllowList or inFlightConn)");
            return null;
        }

        if (types.Count > 1)
        {
            _context.Error(DiagnosticCodes.MiddlewareMultipleTypes, "MiddlewareMultipleTypes", owner, "spec",
                $"a MiddlewareTCP has exactly one type, this one has {string.Join(", ", types)}");
            return null;
        }

        if (spec.InFlightConn is { } inFlight)
        {
            if (inFlight.Amount is not > 0)
            {
                _context.Error(DiagnosticCodes.MiddlewareInvalidValue, "InvalidValue", owner, "spec.inFlightConn.amount",
                    $"inFlightConn.amount must be positive (got {inFlight.Amount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"})");
                return null;
            }

            return new TcpInFlightConnConfig(inFlight.Amount.Value);
        }

        var field = spec.IpAllowList is not null ? "spec.ipAllowList" : "spec.ipWhiteList";
        if (spec.IpWhiteList is not null)
        {
            _context.Warning(DiagnosticCodes.MiddlewareDeprecated, "Deprecated", owner, field, "ipWhiteList is deprecated; write ipAllowList");
        }

        var ranges = (spec.IpAllowList ?? spec.IpWhiteList)!.SourceRange ?? [];
        if (ranges.Count == 0)
        {
            _context.Error(DiagnosticCodes.MiddlewareInvalidCidr, "EmptySourceRange", owner, field + ".sourceRange", "sourceRange is empty: no connection could pass");
            return null;
        }

        var ok = true;
        var networks = ImmutableArray.CreateBuilder<System.Net.IPNetwork>(ranges.Count);
        for (var i = 0; i < ranges.Count; i++)
        {
            if (IpRanges.TryParse(ranges[i], out var network, out var error))
            {
                networks.Add(network);
            }
            else
            {
                _context.Error(DiagnosticCodes.MiddlewareInvalidCidr, "InvalidCIDR", owner, $"{field}.sourceRange[{i}]", error!);
                ok = false;
            }
        }

        return ok ? new TcpIpAllowListConfig(networks.DrainToImmutable()) : null;
    }
}
