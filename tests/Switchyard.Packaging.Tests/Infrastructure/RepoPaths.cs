using Switchyard.TestKit;

namespace Switchyard.Packaging.Tests.Infrastructure;

/// <summary>Paths inside the repository and its git-ignored .tools/ folder (filled by scripts/setup.d/20-tools.sh).</summary>
internal static class RepoPaths
{
    public static string Root => RepositoryRoot.Folder;

    public static string Tools => Path.Combine(Root, ".tools");
    public static string Crds => Path.Combine(Root, "crds");
    public static string Chart => Path.Combine(Root, "charts", "switchyard");
    public static string ChartCrds => Path.Combine(Chart, "crds");
    public static string Examples => Path.Combine(Root, "config", "examples");
    public static string Manifests => Path.Combine(Root, "config", "manifests");
    public static string TestData => Path.Combine(Root, "tests", "Switchyard.Packaging.Tests", "testdata");
    public static string NpmScripts => Path.Combine(Root, "tests", "Switchyard.Packaging.Tests", "npm");

    /// <summary>The helm binary; fails the test with the fix when the setup script has not run.</summary>
    public static string Helm => RequireTool(Path.Combine(Tools, "bin", "helm"));

    public static string DockerfileLint => RequireTool(Path.Combine(Tools, "node_modules", ".bin", "dockerfilelint"));

    /// <summary>The tools folder once kubernetes-models is installed in it.</summary>
    public static string KubernetesModels
    {
        get
        {
            RequireTool(Path.Combine(Tools, "node_modules", "kubernetes-models", "package.json"));
            return Tools;
        }
    }

    private static string RequireTool(string path)
    {
        if (!File.Exists(path))
        {
            Assert.Fail($"{Path.GetRelativePath(Root, path)} is missing: run `bash scripts/setup.sh` " +
                        "(scripts/setup.d/20-tools.sh installs helm and the npm tools into .tools/).");
        }
        return path;
    }
}
