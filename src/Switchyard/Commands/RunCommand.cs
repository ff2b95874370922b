using System.CommandLine;

namespace Switchyard.Commands;

/// <summary>`switchyard run` (placeholder until its issue lands).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "run (not implemented yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("switchyard run: not implemented yet");
            return 2;
        });
        return command;
    }
}
