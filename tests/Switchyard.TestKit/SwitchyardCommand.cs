namespace Switchyard.TestKit;

/// <summary>
/// How the suites that run the `switchyard` binary start it: <c>dotnet switchyard.dll</c> of the build by default, or
/// the executable named by <c>SWITCHYARD_EXECUTABLE</c> — e.g. the trimmed self-contained publish
/// (src/Switchyard/Properties/PublishProfiles/trimmed.pubxml), so the same tests check the form the image ships:
/// <c>SWITCHYARD_EXECUTABLE=$PWD/artifacts/trimmed/switchyard dotnet test tests/Switchyard.EndToEnd.Tests</c>.
/// </summary>
public static class SwitchyardCommand
{
    public const string ExecutableVariable = "SWITCHYARD_EXECUTABLE";

    /// <summary>The program to start and the arguments that come before switchyard's own.</summary>
    public static (string FileName, string[] Prefix) For(string dll) =>
        Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } executable
            ? (executable, [])
            : ("dotnet", [dll]);
}
