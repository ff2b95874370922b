namespace Switchyard.Routing.Compiler;

/// <summary>Namespace and name of an object; the key of every index the compiler builds.</summary>
internal readonly record struct ObjectKey(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";

    public static int CompareOrdinal(ObjectKey a, ObjectKey b)
    {
        var c = string.CompareOrdinal(a.Namespace, b.Namespace);
        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    }
}
