using Switchyard.DataPlane.Balancers;
using Switchyard.DataPlane.Errors;
using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Services;

/// <summary>
/// Weighted round robin across child services (several services on a route, or TraefikService.weighted).
/// Children that are not available (no healthy server) are skipped, so traffic shifts to the rest; weight 0
/// children get no calls. Optional sticky cookie pins a client to a child.
/// </summary>
public sealed class WeightedHandler : IServiceHandler
{
    private readonly IServiceHandler[] _children;
    private readonly int[] _weights;
    private readonly SmoothWeightedPicker _picker;
    private readonly StickySession? _sticky;
    private readonly string _unavailableMessage;

    public WeightedHandler(string id, IServiceHandler[] children, string[] childIds, int[] weights, Routing.Table.StickyCookie? sticky)
    {
        _children = children;
        _weights = weights;
        _picker = new SmoothWeightedPicker(weights);
        if (sticky is not null)
        {
            var values = new string[childIds.Length];
            for (var i = 0; i < childIds.Length; i++)
            {
                values[i] = StableHash.Hex(StableHash.Mix(StableHash.Fnv1a(childIds[i])));
            }

            _sticky = new StickySession(sticky, values);
        }

        _unavailableMessage = $"service {id} has no available child service";
    }

    public bool IsAvailable
    {
        get
        {
            var candidates = new ChildCandidates(_children, _weights);
            for (var i = 0; i < _children.Length; i++)
            {
                if (candidates.IsUsable(i))
                {
                    return true;
                }
            }

            return false;
        }
    }

    public Task HandleAsync(HttpContext context)
    {
        var index = -1;
        if (_sticky is not null)
        {
            index = _sticky.Find(context.Request);
            if (index >= 0 && !_children[index].IsAvailable)
            {
                index = -1;
            }
        }

        if (index < 0)
        {
            index = _picker.Pick(new ChildCandidates(_children, _weights));
            if (index < 0)
            {
                return ProxyErrors.WriteAsync(context, ProxyErrorKind.Unavailable, _unavailableMessage);
            }

            _sticky?.Set(context.Response, index);
        }

        return _children[index].HandleAsync(context);
    }
}
