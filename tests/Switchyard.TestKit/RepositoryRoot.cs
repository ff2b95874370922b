namespace Switchyard.TestKit;

/// <summary>
/// The repository's root folder — the one holding Operator.sln — found by walking up from the test binaries, for tests
/// that read the repository's own files (manifests, chart, goldens, dashboards).
/// </summary>
public static class RepositoryRoot
{
    private static readonly string? Found = TryFind();

    /// <summary>The root; fails loudly when the binaries do not run inside a checkout.</summary>
    public static string Folder => Found ?? throw new InvalidOperationException($"Operator.sln not found above {AppContext.BaseDirectory}");

    /// <summary>The root, or null when the binaries do not run inside a checkout.</summary>
    public static string? TryFind()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
