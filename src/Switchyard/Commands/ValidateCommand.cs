using System.CommandLine;
using Switchyard.Configuration;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing;
using Switchyard.Routing.Acme;

namespace Switchyard.Commands;

/// <summary>
/// `switchyard validate [--config FILE] PATH…`: loads the manifests, compiles them exactly as the gateway would, and
/// prints every diagnostic as <c>file:line:col: error|warning SYnnn: message</c>, then a one-line summary. With
/// --config, the static config's provider settings apply, its entry points and certificate resolvers are the ones
/// routes may name, and without PATH its manifest folder is read. Exit code 1 when there is an error, 0 otherwise
/// (warnings do not fail), 2 when a path or the config cannot be read.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var input = new ManifestInput();
        var command = new Command("validate", "Check manifests: print what the compiler finds (file:line:col: error|warning SYnnn: message).");
        input.AddTo(command);
        command.SetAction(parse =>
        {
            if (!input.TryResolve(parse, "validate", out var loaded, out var paths))
            {
                return 2;
            }

            var listing = new List<Diagnostic>();
            var files = ManifestInput.Files(paths, listing, loaded?.FolderLimits);
            if (files is null)
            {
                return 2;
            }

            var snapshot = ManifestInput.Load(files, listing, loaded?.FolderLimits);
            var result = RoutingCompiler.Compile(snapshot, input.Options(parse, loaded?.Provider));
            // The same certResolver check `run` makes on every table it serves.
            var acme = loaded is null ? [] : AcmeDomains.FromTable(result.Table, loaded.Resolvers.Select(r => r.Name).ToHashSet(StringComparer.Ordinal)).Diagnostics;
            var diagnostics = result.Diagnostics.AddRange(acme);
            foreach (var diagnostic in diagnostics)
            {
                Console.WriteLine(diagnostic.Format());
            }

            var errors = diagnostics.Count(d => d.Severity == Severity.Error);
            var warnings = diagnostics.Count(d => d.Severity == Severity.Warning);
            Console.WriteLine(
                $"{Plural(errors, "error")}, {Plural(warnings, "warning")}: {Plural(result.Table.Routers.Length, "router")} from " +
                $"{Plural(snapshot.ObjectCount, "object")} in {Plural(files.Count, "file")}");
            return errors > 0 ? 1 : 0;
        });
        return command;
    }

    private static string Plural(int n, string word) => $"{n} {word}{(n == 1 ? "" : "s")}";
}
