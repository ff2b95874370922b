using System.CommandLine;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing;

namespace Switchyard.Commands;

/// <summary>
/// `switchyard validate PATH…`: loads the manifests, compiles them exactly as the gateway would, and prints
/// every diagnostic as <c>file:line:col: error|warning SYnnn: message</c>, then a one-line summary.
/// Exit code 1 when there is an error, 0 otherwise (warnings do not fail), 2 when a path does not exist.
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
            var files = input.Files(parse);
            if (files is null)
            {
                return 2;
            }

            var snapshot = ManifestInput.Load(files);
            var result = RoutingCompiler.Compile(snapshot, input.Options(parse));
            foreach (var diagnostic in result.Diagnostics)
            {
                Console.WriteLine(diagnostic.Format());
            }

            var errors = result.Diagnostics.Count(d => d.Severity == Severity.Error);
            var warnings = result.Diagnostics.Count(d => d.Severity == Severity.Warning);
            Console.WriteLine(
                $"{Plural(errors, "error")}, {Plural(warnings, "warning")}: {Plural(result.Table.Routers.Length, "router")} from " +
                $"{Plural(snapshot.ObjectCount, "object")} in {Plural(files.Count, "file")}");
            return errors > 0 ? 1 : 0;
        });
        return command;
    }

    private static string Plural(int n, string word) => $"{n} {word}{(n == 1 ? "" : "s")}";
}
