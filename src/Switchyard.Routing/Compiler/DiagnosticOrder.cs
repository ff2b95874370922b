using Switchyard.Model.Diagnostics;

namespace Switchyard.Routing.Compiler;

/// <summary>The stable order of diagnostics: by file, line, column, then resource, field, code and message.</summary>
internal static class DiagnosticOrder
{
    public static int Compare(Diagnostic a, Diagnostic b)
    {
        var c = string.CompareOrdinal(a.Location?.File, b.Location?.File);
        if (c != 0) return c;
        c = (a.Location?.Line ?? 0).CompareTo(b.Location?.Line ?? 0);
        if (c != 0) return c;
        c = (a.Location?.Column ?? 0).CompareTo(b.Location?.Column ?? 0);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Resource?.Kind, b.Resource?.Kind);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Resource?.Namespace, b.Resource?.Namespace);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Resource?.Name, b.Resource?.Name);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Field, b.Field);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Code, b.Code);
        return c != 0 ? c : string.CompareOrdinal(a.Message, b.Message);
    }
}
