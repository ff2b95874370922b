using Switchyard.Model.Diagnostics;

namespace Switchyard.Kubernetes.Watching;

/// <summary>One cached object: its model value, or the diagnostic saying why it could not be read.</summary>
internal sealed record CacheEntry(string? ResourceVersion, object? Value, Diagnostic? Error);
