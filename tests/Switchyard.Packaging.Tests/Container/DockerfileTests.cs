using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchyard.Packaging.Tests.Infrastructure;

namespace Switchyard.Packaging.Tests.Container;

/// <summary>The Dockerfile: dockerfilelint reports nothing, and its shape is the one the chart expects.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed partial class DockerfileTests
{
    private static string DockerfilePath => Path.Combine(RepoPaths.Root, "Dockerfile");

    [Test]
    [CancelAfter(60_000)]
    public async Task Dockerfilelint_reports_no_issue(CancellationToken ct)
    {
        var (count, issues) = await LintAsync(DockerfilePath, ct);
        Assert.That(count, Is.Zero, $"dockerfilelint issues:\n{issues}");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Dockerfilelint_finds_the_issues_of_a_bad_Dockerfile(CancellationToken ct)
    {
        // Proves the linter runs and reports: the check above could fail.
        var (count, issues) = await LintAsync(Path.Combine(RepoPaths.TestData, "Dockerfile.bad"), ct);
        Assert.That(count, Is.EqualTo(4), issues);
        Assert.That(issues, Does.Contain("Base Image Missing Tag").And.Contain("Invalid Port Exposed"));
    }

    [Test]
    public void Build_is_multi_stage_sdk_to_runtime_deps_running_the_trimmed_publish_as_a_numeric_non_root_user()
    {
        var lines = Instructions(File.ReadAllText(DockerfilePath));
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.That(froms, Has.Count.EqualTo(2));
        Assert.That(froms[0], Does.StartWith("FROM mcr.microsoft.com/dotnet/sdk:10.0"));
        // The trimmed self-contained publish carries its runtime: the base image brings only the native dependencies.
        Assert.That(froms[1], Does.StartWith("FROM mcr.microsoft.com/dotnet/runtime-deps:10.0"));
        Assert.That(lines.Single(l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal)), Does.Contain("-p:PublishProfile=trimmed"));

        var runtime = lines.SkipWhile(l => l != froms[1]).ToList();
        Assert.That(runtime.Where(l => l.StartsWith("RUN ", StringComparison.Ordinal)), Is.Empty,
            "the runtime stage needs no shell: nothing may RUN in it");
        var user = runtime.Last(l => l.StartsWith("USER ", StringComparison.Ordinal))[5..].Trim();
        Assert.That(int.TryParse(user, out var uid) && uid > 0, Is.True, $"USER {user}: Kubernetes verifies runAsNonRoot only for a numeric id");
        // MappedFilePages: the kernel pages out a file's pages only for its owner (or a process that may write it).
        Assert.That(runtime.Single(l => l.StartsWith("COPY ", StringComparison.Ordinal)), Does.Contain($"--chown={uid}:"),
            "the published files belong to the user Switchyard runs as");
        Assert.That(runtime.Single(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal)).Split(' ')[1..], Is.EquivalentTo(new[] { "8000", "8443", "9000" }));
        var entrypoint = runtime.Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal))[11..];
        var argv = JsonNode.Parse(entrypoint)!.AsArray().Select(a => (string)a!).ToList();
        Assert.That(argv[^1], Is.EqualTo("run"), "exec form ending in `switchyard run`");
        Assert.That(argv, Has.Some.Contains("switchyard"));
    }

    [Test]
    public void Every_COPY_source_of_the_build_stage_exists_and_is_not_docker_ignored()
    {
        var ignored = File.ReadAllLines(Path.Combine(RepoPaths.Root, ".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.That(ignored, Is.SupersetOf(new[] { "**/bin/", "**/obj/", ".tools/", ".git/" }));

        var copies = Instructions(File.ReadAllText(DockerfilePath))
            .Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal))
            .ToList();
        Assert.That(copies, Is.Not.Empty);
        foreach (var copy in copies)
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            foreach (var source in parts)
            {
                var path = Path.Combine(RepoPaths.Root, source.TrimEnd('/'));
                Assert.That(File.Exists(path) || Directory.Exists(path), Is.True, $"{copy}: {source} does not exist");
                Assert.That(ignored.Any(i => source.TrimEnd('/').StartsWith(i.TrimEnd('/'), StringComparison.Ordinal)), Is.False,
                    $"{copy}: {source} is excluded by .dockerignore");
            }
        }
    }

    [Test]
    public void The_executable_and_its_project_references_need_nothing_outside_src()
    {
        // The build stage copies only src/ (and the Directory.*.props): a project reference or an item (e.g. a
        // .proto) of the executable's projects that points outside src/ would break `docker build`.
        var src = Path.Combine(RepoPaths.Root, "src") + Path.DirectorySeparatorChar;
        var outside = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.Combine(src, "Switchyard", "Switchyard.csproj")]);
        while (pending.TryPop(out var project))
        {
            if (!seen.Add(project)) continue;
            var dir = Path.GetDirectoryName(project)!;
            foreach (var item in System.Xml.Linq.XDocument.Load(project).Descendants().Where(e => e.Attribute("Include") is not null))
            {
                var include = ((string)item.Attribute("Include")!).Replace('\\', '/');
                if (item.Name.LocalName is "PackageReference" or "Using" or "InternalsVisibleTo" || include.Contains("$(", StringComparison.Ordinal)) continue;
                var full = Path.GetFullPath(Path.Combine(dir, include));
                if (!full.StartsWith(src, StringComparison.Ordinal)) outside.Add($"{Path.GetRelativePath(RepoPaths.Root, project)}: {item.Name.LocalName} {include}");
                else if (item.Name.LocalName == "ProjectReference") pending.Push(full);
            }
        }
        Assert.That(seen, Has.Count.GreaterThan(1), "src/Switchyard references its libraries");
        Assert.That(outside, Is.Empty);
    }

    private static async Task<(int Count, string Issues)> LintAsync(string dockerfile, CancellationToken ct)
    {
        var result = await ProcessRunner.RunAsync(RepoPaths.DockerfileLint, ["--json", dockerfile], cancellationToken: ct);
        var report = JsonNode.Parse(result.StdOut) ?? throw new InvalidOperationException(result.ToString());
        var count = (int)report["totalIssues"]!;
        Assert.That(result.ExitCode, Is.EqualTo(count), "dockerfilelint's exit code is its issue count");
        var issues = string.Join('\n', report["files"]![0]!["issues"]!.AsArray()
            .Select(i => $"line {i!["line"]}: {i["title"]} ({i["content"]})"));
        return (count, issues);
    }

    /// <summary>Instructions with comments dropped and line continuations joined, whitespace collapsed.</summary>
    private static List<string> Instructions(string dockerfile)
    {
        var text = Continuation().Replace(dockerfile, " ");
        return text.Split('\n')
            .Select(l => Spaces().Replace(l.Trim(), " "))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
    }

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex Continuation();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
