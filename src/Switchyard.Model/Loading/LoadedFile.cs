using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;

namespace Switchyard.Model.Loading;

/// <summary>
/// One object read from a manifest: its identity, the deserialized model object (an <see cref="Traefik.ITraefikObject"/>
/// record or a KubernetesClient V1Service / V1EndpointSlice / V1Secret / V1ConfigMap / V1Node), and where it came from.
/// </summary>
public sealed record LoadedObject(ResourceRef Ref, object Value, ObjectOrigin Origin);

/// <summary>The result of reading one manifest file: the objects it holds and what was wrong with it.</summary>
public sealed record LoadedFile(string File, ImmutableArray<LoadedObject> Objects, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>True when the file had a syntax error or an object had to be dropped.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}
