namespace Switchyard.DataPlane.Balancers;

/// <summary>Which candidates may be picked right now (implemented by structs so the generic pick is not boxed).</summary>
public interface ICandidateSet
{
    bool IsUsable(int index);
}

/// <summary>
/// Smooth weighted round robin (nginx's algorithm): every pick adds each usable candidate's weight to its
/// running credit, takes the candidate with the most credit and charges it the total. Over one cycle
/// (sum of weights picks) each candidate is chosen exactly weight times, and picks of a heavy candidate are
/// spread out (5:1:1 gives a a b a c a a, not a a a a a b c). Traefik's earliest-deadline-first heap gives the
/// same proportions; this variant uses exact integer arithmetic (no float drift over long runs) and skips
/// unavailable candidates without giving them credit, so a server that comes back does not get a burst.
/// O(n) per pick under a short lock; n is the endpoint count of one Service.
/// </summary>
public sealed class SmoothWeightedPicker
{
    private readonly int[] _weights;
    private readonly long[] _credit;
    private readonly Lock _lock = new();

    public SmoothWeightedPicker(ReadOnlySpan<int> weights)
    {
        _weights = new int[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            _weights[i] = Math.Max(1, weights[i]);
        }

        _credit = new long[weights.Length];
    }

    public int Count => _weights.Length;

    /// <summary>Index of the chosen candidate, or -1 when none is usable.</summary>
    public int Pick<T>(in T candidates) where T : struct, ICandidateSet
    {
        lock (_lock)
        {
            var best = -1;
            long total = 0;
            for (var i = 0; i < _weights.Length; i++)
            {
                if (!candidates.IsUsable(i))
                {
                    continue;
                }

                total += _weights[i];
                _credit[i] += _weights[i];
                if (best < 0 || _credit[i] > _credit[best])
                {
                    best = i;
                }
            }

            if (best >= 0)
            {
                _credit[best] -= total;
            }

            return best;
        }
    }
}
