using System.Text;

namespace Switchyard.Crds;

/// <summary>Writes generated CRD files into a folder, or checks that a folder holds exactly them.</summary>
public static class CrdFolder
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes changed files, removes generated files no longer produced; returns 0.</summary>
    public static int Write(string dir, IReadOnlyList<CrdFile> files, TextWriter log)
    {
        Directory.CreateDirectory(dir);
        foreach (var file in files)
        {
            var path = Path.Combine(dir, file.FileName);
            if (File.Exists(path) && File.ReadAllText(path, Utf8NoBom) == file.Yaml) continue;
            File.WriteAllText(path, file.Yaml, Utf8NoBom);
            log.WriteLine($"wrote {path}");
        }
        foreach (var stale in StaleGeneratedFiles(dir, files))
        {
            File.Delete(stale);
            log.WriteLine($"removed {stale}");
        }
        return 0;
    }

    /// <summary>Returns the number of files that differ, are missing or are stale (each reported to <paramref name="log"/>).</summary>
    public static int Check(string dir, IReadOnlyList<CrdFile> files, TextWriter log)
    {
        var problems = 0;
        foreach (var file in files)
        {
            var path = Path.Combine(dir, file.FileName);
            if (!File.Exists(path)) { log.WriteLine($"missing: {path}"); problems++; }
            else if (File.ReadAllText(path, Utf8NoBom) != file.Yaml) { log.WriteLine($"out of date: {path}"); problems++; }
        }
        foreach (var stale in StaleGeneratedFiles(dir, files))
        {
            log.WriteLine($"stale (no longer generated): {stale}");
            problems++;
        }
        if (problems > 0) log.WriteLine($"run `switchyard crds --out {dir}` to regenerate");
        return problems;
    }

    private static IEnumerable<string> StaleGeneratedFiles(string dir, IReadOnlyList<CrdFile> files)
    {
        if (!Directory.Exists(dir)) return [];
        var expected = files.Select(f => f.FileName).ToHashSet(StringComparer.Ordinal);
        return Directory.EnumerateFiles(dir, "*.yaml")
            .Where(p => !expected.Contains(Path.GetFileName(p)))
            .Where(p => File.ReadLines(p).FirstOrDefault() == CrdGenerator.Header.TrimEnd('\n'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
