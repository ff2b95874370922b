namespace Switchyard.Routing.Compiler;

/// <summary>Namespace and name of an object; the key of every index the compiler builds.</summary>
/// <remarks>
/// A class, not a struct: the framework's generic collections and LINQ over a reference type run their shared code,
/// which ReadyToRun has precompiled, while each one over a struct of ours is compiled at run time (ReadyToRun cannot
/// precompile framework code for our types). As a struct, ObjectKey's dictionaries, sets, lists and sorts were ~125
/// methods jitted before the first table of a start; the compiler allocates one key per object it indexes.
/// </remarks>
internal sealed record ObjectKey(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";

    public static int CompareOrdinal(ObjectKey a, ObjectKey b)
    {
        var c = string.CompareOrdinal(a.Namespace, b.Namespace);
        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    }
}
