using Switchyard.Model.Diagnostics;

namespace Switchyard.Commands;

/// <summary>
/// Which of a reload's diagnostics were not in the previous reload's: each finding is logged once when it appears
/// (again if it goes and comes back), not at every reload while it stands.
/// </summary>
internal sealed class NewDiagnostics
{
    private HashSet<string> _previous = new(StringComparer.Ordinal);

    /// <summary>The diagnostics of <paramref name="current"/> not reported by the previous call, in their order.</summary>
    public List<Diagnostic> Fresh(IEnumerable<Diagnostic> current)
    {
        var now = new HashSet<string>(StringComparer.Ordinal);
        var fresh = new List<Diagnostic>();
        foreach (var diagnostic in current)
        {
            var text = diagnostic.Format();
            if (now.Add(text) && !_previous.Contains(text))
            {
                fresh.Add(diagnostic);
            }
        }

        _previous = now;
        return fresh;
    }
}
