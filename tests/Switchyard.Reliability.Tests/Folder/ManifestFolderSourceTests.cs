using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Sources.Folder;
using Switchyard.TestKit;

namespace Switchyard.Reliability.Tests.Folder;

[CancelAfter(30_000)]
public partial class ManifestFolderSourceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private string _dir = null!;

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("sy-folder-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, true);

    private static string ConfigMap(string name, string value) =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{v: \"{value}\"}}\n";

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string? Value(ClusterSnapshot s, string name) =>
        s.ConfigMaps.FirstOrDefault(c => c.Metadata.Name == name)?.Data["v"];

    [Test]
    public async Task Emits_the_initial_snapshot_then_a_new_one_after_an_edit()
    {
        Write("a.yaml", ConfigMap("a", "1"));
        Write("sub/b.json", """{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}, "data": {"v": "x"}}""");
        using var source = new ManifestFolderSource(_dir);
        await using var collector = SnapshotCollector.Start(source);

        await Wait.UntilAsync(() => collector.Count >= 1, Timeout, "the initial snapshot");
        var first = collector.Latest!;
        Assert.That(first.ConfigMaps.Select(c => c.Metadata.Name), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(first.LoadDiagnostics, Is.Empty);

        Write("a.yaml", ConfigMap("a", "2"));
        await Wait.UntilAsync(() => collector.Latest is { } s && Value(s, "a") == "2", Timeout, "the edited value");
        Assert.That(Value(collector.Latest!, "b"), Is.EqualTo("x"));
    }

    [Test]
    public async Task A_broken_edit_keeps_the_last_good_objects_and_reports_file_and_line()
    {
        var path = Write("a.yaml", ConfigMap("a", "1") + "---\n" + ConfigMap("a2", "1"));
        Write("other.yaml", ConfigMap("other", "1"));
        using var source = new ManifestFolderSource(_dir);
        await using var collector = SnapshotCollector.Start(source);
        await Wait.UntilAsync(() => collector.Count >= 1, Timeout, "the initial snapshot");

        File.WriteAllText(path, ConfigMap("a", "2") + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [oops\n");
        await Wait.UntilAsync(() => collector.Latest!.LoadDiagnostics.Any(d => d.Code == DiagnosticCodes.YamlSyntax), Timeout,
            "the syntax error");

        var s = collector.Latest!;
        var error = s.LoadDiagnostics.Single(d => d.Code == DiagnosticCodes.YamlSyntax);
        Assert.Multiple(() =>
        {
            Assert.That(s.ConfigMaps.Select(c => c.Metadata.Name), Is.EqualTo(new[] { "a", "a2", "other" }), "last good objects kept");
            Assert.That(Value(s, "a"), Is.EqualTo("1"), "the whole last good version is served, not a mix");
            Assert.That(error.Location!.File, Is.EqualTo(path));
            Assert.That(error.Location.Line, Is.InRange(8, 9));
            Assert.That(s.LoadDiagnostics.Single(d => d.Code == DiagnosticCodes.KeptLastGood).Severity, Is.EqualTo(Severity.Warning));
        });

        File.WriteAllText(path, ConfigMap("a", "3"));
        await Wait.UntilAsync(() => Value(collector.Latest!, "a") == "3", Timeout, "the fixed file");
        Assert.Multiple(() =>
        {
            Assert.That(collector.Latest!.LoadDiagnostics, Is.Empty);
            Assert.That(collector.Latest!.ConfigMaps.Select(c => c.Metadata.Name), Is.EqualTo(new[] { "a", "other" }));
        });
    }

    [Test]
    public async Task Deleting_a_file_removes_its_objects()
    {
        var path = Write("a.yaml", ConfigMap("a", "1"));
        Write("b.yml", ConfigMap("b", "1"));
        using var source = new ManifestFolderSource(_dir);
        await using var collector = SnapshotCollector.Start(source);
        await Wait.UntilAsync(() => collector.Latest?.ConfigMaps.Length == 2, Timeout, "both objects");

        File.Delete(path);
        await Wait.UntilAsync(() => collector.Latest!.ConfigMaps.Length == 1, Timeout, "the deletion");
        Assert.That(collector.Latest!.ConfigMaps.Single().Metadata.Name, Is.EqualTo("b"));
        Assert.That(collector.Latest!.Origins.Keys.Select(k => k.Name), Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public async Task A_burst_of_50_writes_is_coalesced_into_few_snapshots()
    {
        var path = Write("a.yaml", ConfigMap("a", "start"));
        using var source = new ManifestFolderSource(_dir, TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(200));
        await using var collector = SnapshotCollector.Start(source);
        await Wait.UntilAsync(() => collector.Count >= 1, Timeout, "the initial snapshot");
        var before = collector.Count;

        for (var i = 0; i < 50; i++)
        {
            // Write-then-rename, as editors and kubectl-style tools do, so no reader sees a half-written file.
            var temp = Path.Combine(_dir, ".a.yaml.tmp");
            File.WriteAllText(temp, ConfigMap("a", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            File.Move(temp, path, overwrite: true);
        }

        await Wait.UntilAsync(() => Value(collector.Latest!, "a") == "49", Timeout, "the last write");
        var during = collector.Count - before;
        Assert.That(during, Is.InRange(1, 10), $"50 writes produced {during} snapshots");
        Assert.That(collector.All.Skip(before).All(s => s.LoadDiagnostics.IsEmpty), Is.True);
    }

    [Test]
    public async Task Dispose_ends_a_running_enumeration()
    {
        Write("a.yaml", ConfigMap("a", "1"));
        var source = new ManifestFolderSource(_dir);
        var seen = 0;
        var loop = Task.Run(async () =>
        {
            await foreach (var _ in source.WatchAsync(CancellationToken.None))
            {
                Interlocked.Increment(ref seen);
            }
        });
        await Wait.UntilAsync(() => Volatile.Read(ref seen) == 1, Timeout, "the initial snapshot");

        source.Dispose();
        await loop.WaitAsync(Timeout);
        Assert.That(loop.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task A_folder_missing_at_start_gives_no_snapshot_until_it_appears()
    {
        var later = Path.Combine(_dir, "later");
        using var source = new ManifestFolderSource(later);
        await using var collector = SnapshotCollector.Start(source);
        await Wait.UntilAsync(() => source.FolderMissing, Timeout, "the source to look for the folder");
        Assert.That(collector.Count, Is.Zero, "never loaded: nothing to serve, so the gateway is not ready");

        Write("later/a.yaml", ConfigMap("a", "1"));
        await Wait.UntilAsync(() => collector.Latest is { } s && Value(s, "a") == "1", Timeout, "the folder's objects once it exists");
        Assert.That(source.FolderMissing, Is.False);
    }

    [Test]
    public async Task An_empty_folder_gives_an_empty_snapshot_then_picks_up_new_files()
    {
        using var source = new ManifestFolderSource(_dir);
        await using var collector = SnapshotCollector.Start(source);
        await Wait.UntilAsync(() => collector.Count >= 1, Timeout, "the initial snapshot");
        Assert.That(collector.Latest!.ObjectCount, Is.Zero);

        Write("deep/er/new.yaml", ConfigMap("n", "1"));
        await Wait.UntilAsync(() => collector.Latest!.ConfigMaps.Length == 1, Timeout, "the new file in a new subfolder");
    }

    /// <summary>Consumes a source on a background task and keeps every snapshot.</summary>
    private sealed class SnapshotCollector : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly List<ClusterSnapshot> _snapshots = [];
        private Task _loop = Task.CompletedTask;

        public static SnapshotCollector Start(ISnapshotSource source)
        {
            var c = new SnapshotCollector();
            c._loop = Task.Run(async () =>
            {
                await foreach (var s in source.WatchAsync(c._cts.Token))
                {
                    lock (c._snapshots)
                    {
                        c._snapshots.Add(s);
                    }
                }
            });
            return c;
        }

        public int Count
        {
            get
            {
                lock (_snapshots)
                {
                    return _snapshots.Count;
                }
            }
        }

        public ClusterSnapshot? Latest
        {
            get
            {
                lock (_snapshots)
                {
                    return _snapshots.Count == 0 ? null : _snapshots[^1];
                }
            }
        }

        public IReadOnlyList<ClusterSnapshot> All
        {
            get
            {
                lock (_snapshots)
                {
                    return [.. _snapshots];
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _cts.CancelAsync();
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
            _cts.Dispose();
        }
    }
}
