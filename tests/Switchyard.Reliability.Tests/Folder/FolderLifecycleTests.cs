using Switchyard.Model.Diagnostics;
using Switchyard.Model.Loading;
using Switchyard.Sources.Folder;
using Switchyard.TestKit;

namespace Switchyard.Reliability.Tests.Folder;

/// <summary>
/// Issue 17.4–17.6 on real folders: link loops and caps, the folder deleted / recreated / renamed, two files
/// defining the same object. Every wait is on a snapshot the source publishes, bounded.
/// </summary>
public partial class ManifestFolderSourceTests
{
    [Test]
    public async Task A_link_loop_is_read_once_with_a_warning_and_the_reload_stays_prompt()
    {
        Write("a.yaml", ConfigMap("a", "1"));
        Write("sub/b.yaml", ConfigMap("b", "1"));
        Directory.CreateSymbolicLink(Path.Combine(_dir, "sub", "loop"), _dir);
        Directory.CreateSymbolicLink(Path.Combine(_dir, "self"), Path.Combine(_dir, "sub"));
        using var source = new ManifestFolderSource(_dir);
        await using var collector = SnapshotCollector.Start(source);
        await Wait.UntilAsync(() => collector.Count >= 1, Timeout, "the initial snapshot");

        var first = collector.Latest!;
        Assert.Multiple(() =>
        {
            Assert.That(first.ConfigMaps.Select(c => c.Metadata.Name), Is.EqualTo(new[] { "a", "b" }), "each file read once");
            Assert.That(first.LoadDiagnostics.Count(d => d.Code == DiagnosticCodes.SymlinkLoop), Is.EqualTo(2), string.Join("\n", first.LoadDiagnostics));
            Assert.That(first.LoadDiagnostics.Where(d => d.Code == DiagnosticCodes.SymlinkLoop).Select(d => d.Severity), Is.All.EqualTo(Severity.Warning));
        });

        Write("a.yaml", ConfigMap("a", "2"));
        await Wait.UntilAsync(() => collector.Latest is { } s && Value(s, "a") == "2", Timeout, "an edit beside the loop");
    }

    [Test]
    public async Task File_count_and_total_size_caps_stop_the_read_with_an_error_and_keep_what_was_served()
    {
        for (var i = 0; i < 5; i++)
        {
            Write($"f{i}.yaml", ConfigMap($"c{i}", "1"));
        }

        using var counted = new ManifestFolderSource(_dir, limits: new FolderLimits(MaxFiles: 3));
        await using (var collector = SnapshotCollector.Start(counted))
        {
            await Wait.UntilAsync(() => collector.Count >= 1, Timeout, "the initial snapshot");
            var s = collector.Latest!;
            Assert.That(s.ConfigMaps.Select(c => c.Metadata.Name), Is.EqualTo(new[] { "c0", "c1", "c2" }), "the first files in order");
            Assert.That(s.LoadDiagnostics.Single(d => d.Code == DiagnosticCodes.ManifestTooLarge).Message, Does.Contain("more than 3 manifest files"));
        }

        var size = new FileInfo(Path.Combine(_dir, "f0.yaml")).Length;
        using var sized = new ManifestFolderSource(_dir, limits: new FolderLimits(MaxTotalBytes: size * 2));
        await using (var collector = SnapshotCollector.Start(sized))
        {
            await Wait.UntilAsync(() => collector.Count >= 1, Timeout, "the initial snapshot");
            var s = collector.Latest!;
            Assert.That(s.ConfigMaps, Has.Length.EqualTo(2));
            Assert.That(s.LoadDiagnostics.Single(d => d.Code == DiagnosticCodes.ManifestTooLarge).Message, Does.Contain("bytes of manifests"));

            // A file added past the cap is not read, and the files read before keep serving.
            Write("a-first.yaml", ConfigMap("early", "1"));
            await Wait.UntilAsync(() => collector.Latest!.ConfigMaps.Any(c => c.Metadata.Name == "early"), Timeout, "the new first file");
            Assert.That(collector.Latest!.ConfigMaps.Select(c => c.Metadata.Name), Is.SupersetOf(new[] { "c0", "c1" }), "files cut by the cap keep their objects");
        }
    }

    [Test]
    public async Task The_folder_deleted_recreated_and_renamed_keeps_the_last_objects_and_is_picked_up_again()
    {
        var folder = Path.Combine(_dir, "m");
        Write("m/a.yaml", ConfigMap("a", "1"));
        using var source = new ManifestFolderSource(folder);
        await using var collector = SnapshotCollector.Start(source);
        await Wait.UntilAsync(() => collector.Count >= 1, Timeout, "the initial snapshot");

        Directory.Delete(folder, recursive: true);
        await Wait.UntilAsync(() => collector.Latest!.LoadDiagnostics.Any(d => d.Code == DiagnosticCodes.FolderMissing), Timeout, "the missing-folder warning");
        Assert.Multiple(() =>
        {
            Assert.That(Value(collector.Latest!, "a"), Is.EqualTo("1"), "the last objects keep serving");
            Assert.That(collector.Latest!.LoadDiagnostics.Single(d => d.Code == DiagnosticCodes.FolderMissing).Severity, Is.EqualTo(Severity.Warning));
            Assert.That(source.FolderMissing, Is.True);
        });

        Write("m/a.yaml", ConfigMap("a", "2"));
        await Wait.UntilAsync(() => collector.Latest is { } s && Value(s, "a") == "2" && !s.LoadDiagnostics.Any(), Timeout, "the recreated folder");

        // Renamed away (a ConfigMap-style swap), then another folder renamed into place: watched anew.
        Directory.Move(folder, Path.Combine(_dir, "old"));
        await Wait.UntilAsync(() => source.FolderMissing, Timeout, "the renamed-away folder noticed");
        Write("next/a.yaml", ConfigMap("a", "3"));
        Directory.Move(Path.Combine(_dir, "next"), folder);
        await Wait.UntilAsync(() => collector.Latest is { } s && Value(s, "a") == "3" && !s.LoadDiagnostics.Any(), Timeout, "the folder renamed into place");
        Write("m/a.yaml", ConfigMap("a", "4"));
        await Wait.UntilAsync(() => collector.Latest is { } s && Value(s, "a") == "4", Timeout, "an edit inside the new folder");
    }

    [Test]
    public async Task A_newcomer_reusing_a_served_name_is_refused_naming_both_files()
    {
        Write("b.yaml", ConfigMap("x", "served"));
        using var source = new ManifestFolderSource(_dir);
        await using var collector = SnapshotCollector.Start(source);
        await Wait.UntilAsync(() => collector.Count >= 1, Timeout, "the initial snapshot");

        // a.yaml sorts first: a cold start would take it, a running source keeps what it serves.
        Write("a.yaml", ConfigMap("x", "newcomer"));
        await Wait.UntilAsync(() => collector.Latest!.LoadDiagnostics.Any(d => d.Code == DiagnosticCodes.DuplicateObject), Timeout, "the duplicate reported");
        var duplicate = collector.Latest!.LoadDiagnostics.Single(d => d.Code == DiagnosticCodes.DuplicateObject);
        Assert.Multiple(() =>
        {
            Assert.That(Value(collector.Latest!, "x"), Is.EqualTo("served"));
            Assert.That(duplicate.Location!.File, Does.EndWith("a.yaml"), "reported at the newcomer");
            Assert.That(duplicate.Message, Does.Contain("b.yaml").And.Contain("a.yaml"), "naming both files");
        });

        // Cold start: the same folder always gives the ordinal first file.
        using var cold = new ManifestFolderSource(_dir);
        await using var coldCollector = SnapshotCollector.Start(cold);
        await Wait.UntilAsync(() => coldCollector.Count >= 1, Timeout, "the cold snapshot");
        Assert.That(Value(coldCollector.Latest!, "x"), Is.EqualTo("newcomer"));
    }
}
