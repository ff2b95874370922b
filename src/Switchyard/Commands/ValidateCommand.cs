using System.CommandLine;

namespace Switchyard.Commands;

/// <summary>`switchyard validate` (placeholder until its issue lands).</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var command = new Command("validate", "validate (not implemented yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("switchyard validate: not implemented yet");
            return 2;
        });
        return command;
    }
}
