using System.CommandLine;
using Switchyard.Crds;

namespace Switchyard.Commands;

/// <summary>
/// `switchyard crds [--group GROUP] [--out DIR]... [--check]`: the CustomResourceDefinitions generated from the C# model
/// (--group: only that API group's, e.g. the chart keeps the legacy traefik.containo.us ones apart, behind a value).
/// Without --out the YAML goes to stdout; with --out each kind/group is written to DIR/&lt;group&gt;_&lt;plural&gt;.yaml
/// and generated files no longer produced are removed. --check writes nothing and exits 1 when DIR differs.
/// </summary>
internal static class CrdsCommand
{
    public static Command Create()
    {
        var outDirs = new Option<string[]>("--out", "-o")
        {
            Description = "Directory to write the CRD files into (repeatable, e.g. --out crds --out charts/switchyard/crds)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var check = new Option<bool>("--check")
        {
            Description = "Compare with the --out directories instead of writing; exit 1 when any file is out of date",
        };
        var group = new Option<string?>("--group")
        {
            Description = "Only the CRDs of this API group (traefik.io or traefik.containo.us); default: both",
        };
        var command = new Command("crds", "Generate the CustomResourceDefinitions (both API groups) from the C# model");
        command.Options.Add(outDirs);
        command.Options.Add(group);
        command.Options.Add(check);
        command.SetAction(parse =>
        {
            IReadOnlyList<CrdFile> files;
            try
            {
                files = CrdGenerator.Generate();
            }
            catch (Exception e) when (e is FileNotFoundException or NotSupportedException or InvalidOperationException)
            {
                Console.Error.WriteLine($"switchyard crds: {e.Message}");
                return 2;
            }

            if (parse.GetValue(group) is { } only)
            {
                if (!Switchyard.Crds.CrdKind.Groups.Contains(only))
                {
                    Console.Error.WriteLine($"switchyard crds: --group {only}: not one of {string.Join(", ", Switchyard.Crds.CrdKind.Groups)}");
                    return 2;
                }

                files = [.. files.Where(f => f.FileName.StartsWith(only + "_", StringComparison.Ordinal))];
            }

            var dirs = parse.GetValue(outDirs) ?? [];
            if (dirs.Length == 0)
            {
                if (parse.GetValue(check))
                {
                    Console.Error.WriteLine("switchyard crds: --check needs --out DIR");
                    return 2;
                }
                Console.Out.Write(string.Concat(files.Select(f => f.Yaml)));
                return 0;
            }
            var outdated = 0;
            foreach (var dir in dirs)
            {
                outdated += parse.GetValue(check) ? CrdFolder.Check(dir, files, Console.Error) : CrdFolder.Write(dir, files, Console.Out);
            }
            return outdated > 0 ? 1 : 0;
        });
        return command;
    }
}
