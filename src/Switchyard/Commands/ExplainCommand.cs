using System.CommandLine;

namespace Switchyard.Commands;

/// <summary>`switchyard explain` (placeholder until its issue lands).</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var command = new Command("explain", "explain (not implemented yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("switchyard explain: not implemented yet");
            return 2;
        });
        return command;
    }
}
