using Microsoft.Extensions.Logging;
using Switchyard.Model.Diagnostics;

namespace Switchyard.Kubernetes.Status;

/// <summary>An object Events are written about: its reference, apiVersion and uid, and the sentence of a healthy one.</summary>
internal readonly record struct EventSubject(ResourceRef Resource, string ApiVersion, string? Uid, string HealedMessage);

/// <summary>
/// Events from the compiler's findings, for kinds whose status has no room for them (Ingress) or whose spec'd
/// conditions carry only one reason (Gateway API objects): one Warning Event when an object's errors and warnings
/// change (code, field and message of each, joined), one Normal Event when they are gone. Deduplicated by the last
/// text written per object, so an unchanged recompile writes nothing; a new leader writes the current findings once.
/// </summary>
internal sealed class FindingsEvents(EventRecorder events, ILogger logger)
{
    private readonly Dictionary<ResourceRef, string> _written = [];
    private long _count;

    /// <summary>Events created so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Errors and warnings by object, from the compile result and the load.</summary>
    public static Dictionary<ResourceRef, List<Diagnostic>> ByResource(IEnumerable<Diagnostic> diagnostics, Func<string, bool> kind) =>
        diagnostics
            .Where(d => d.Resource is { } r && kind(r.Kind) && d.Severity is Severity.Error or Severity.Warning)
            .GroupBy(d => d.Resource!)
            .ToDictionary(g => g.Key, g => g.ToList());

    /// <summary>Writes the Events due for <paramref name="subjects"/>; forgets objects no longer listed. False when a write failed.</summary>
    public async Task<bool> RecordAsync(IEnumerable<EventSubject> subjects, IReadOnlyDictionary<ResourceRef, List<Diagnostic>> findings,
        Func<bool> isLeader, CancellationToken ct)
    {
        var ok = true;
        var seen = new HashSet<ResourceRef>();
        foreach (var subject in subjects)
        {
            if (!isLeader() || ct.IsCancellationRequested)
            {
                return true;
            }

            var rr = subject.Resource;
            seen.Add(rr);
            var mine = findings.GetValueOrDefault(rr) ?? [];
            var text = string.Join("; ", mine.Select(d => d.Field is null ? $"{d.Code} {d.Message}" : $"{d.Code} {d.Field}: {d.Message}"));
            if (text == _written.GetValueOrDefault(rr, ""))
            {
                continue;
            }

            var change = mine.Count > 0
                ? new StatusConditionChange("Accepted", mine[0].Reason, text, mine.Any(d => d.Severity == Severity.Error))
                : new StatusConditionChange("Accepted", "Accepted", subject.HealedMessage, false);
            try
            {
                var about = new DesiredStatus(rr, subject.ApiVersion, subject.Uid, null, [], null, null, null, null);
                await events.RecordAsync(about, change, ct);
                Interlocked.Increment(ref _count);
                _written[rr] = text;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                StatusLog.WriteFailed(logger, e, rr.ToString());
                ok = false;
            }
        }

        foreach (var gone in _written.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _written.Remove(gone);
        }

        return ok;
    }
}
