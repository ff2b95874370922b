using System.CommandLine;

namespace Switchyard.Commands;

/// <summary>`switchyard crds` (placeholder until its issue lands).</summary>
internal static class CrdsCommand
{
    public static Command Create()
    {
        var command = new Command("crds", "crds (not implemented yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("switchyard crds: not implemented yet");
            return 2;
        });
        return command;
    }
}
