using System.CommandLine;
using Switchyard.Configuration;
using Switchyard.Model;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Loading;
using Switchyard.Routing;

namespace Switchyard.Commands;

/// <summary>
/// What `validate` and `explain` share: the PATH arguments (files or folders, read recursively like the
/// manifest-folder source: *.yaml, *.yml, *.json) and the provider flags that change how manifests are
/// interpreted, so the CLI compiles exactly what a cluster with those settings would get.
/// </summary>
internal sealed class ManifestInput
{
    public Argument<string[]> Paths { get; } = new("PATH")
    {
        Description = "Manifest files or folders (read recursively: *.yaml, *.yml, *.json).",
        Arity = ArgumentArity.OneOrMore,
    };

    public Option<bool> AllowCrossNamespace { get; } = new("--allow-cross-namespace") { Description = "Allow references to other namespaces." };

    public Option<bool> AllowExternalNameServices { get; } = new("--allow-external-name-services") { Description = "Allow ExternalName Services as backends." };

    public Option<bool> AllowEmptyServices { get; } = new("--allow-empty-services") { Description = "Keep routes whose Service has no ready endpoint (they answer 503)." };

    public Option<bool> NativeLbByDefault { get; } = new("--native-lb-by-default") { Description = "Use each Service's ClusterIP unless a service entry says nativeLB: false." };

    public Option<string[]> DefaultEntryPoints { get; } = new("--default-entrypoints")
    {
        Description = "Entry points of IngressRoutes that list none (default: web websecure).",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string> Config { get; } = new("--config", "-c")
    {
        Description = "Static configuration (as for `run`): its provider settings and entry points (asDefault, http options) apply, and without PATH its manifest folder is read.",
    };

    public void AddTo(Command command)
    {
        // With --config, PATH may be left out: the config's providers.file.directory is read.
        Paths.Arity = ArgumentArity.ZeroOrMore;
        command.Options.Add(Config);
        command.Arguments.Add(Paths);
        command.Options.Add(AllowCrossNamespace);
        command.Options.Add(AllowExternalNameServices);
        command.Options.Add(AllowEmptyServices);
        command.Options.Add(NativeLbByDefault);
        command.Options.Add(DefaultEntryPoints);
    }

    /// <summary>
    /// The --config static config (null when not given) and the paths to read: PATH, else its manifest folder. False
    /// after printing why when the config cannot be read or there is nothing to read.
    /// </summary>
    public bool TryResolve(ParseResult parse, string command, out LoadedStaticConfig? loaded, out string[] paths)
    {
        loaded = null;
        paths = [];
        if (parse.GetValue(Config) is { } configPath)
        {
            try
            {
                loaded = StaticConfigLoader.Load(configPath);
            }
            catch (StaticConfigException ex)
            {
                Console.Error.WriteLine($"switchyard: {ex.Message}");
                return false;
            }
        }

        if (parse.GetValue(Paths) is { Length: > 0 } given)
        {
            paths = given;
            return true;
        }

        if (loaded?.ManifestDirectory is { } folder)
        {
            paths = [folder];
            return true;
        }

        Console.Error.WriteLine($"switchyard: name the manifest files or folders to {command}, or a --config with providers.file.directory");
        return false;
    }

    /// <summary>The provider options: <paramref name="configured"/> (the static config's, when given) with the flags on top.</summary>
    public ProviderOptions Options(ParseResult parse, ProviderOptions? configured = null)
    {
        var start = configured ?? ProviderOptions.Default;
        var options = start with
        {
            AllowCrossNamespace = start.AllowCrossNamespace || parse.GetValue(AllowCrossNamespace),
            AllowExternalNameServices = start.AllowExternalNameServices || parse.GetValue(AllowExternalNameServices),
            AllowEmptyServices = start.AllowEmptyServices || parse.GetValue(AllowEmptyServices),
            NativeLBByDefault = start.NativeLBByDefault || parse.GetValue(NativeLbByDefault),
        };
        return parse.GetValue(DefaultEntryPoints) is { Length: > 0 } eps ? options with { DefaultEntryPoints = [.. eps] } : options;
    }

    /// <summary>
    /// The files to read, in a stable order, listed exactly as the manifest-folder source lists a folder (hidden
    /// entries skipped, links followed once, the same caps, whose findings are in <paramref name="diagnostics"/>), so
    /// `validate` reads what `run` would serve; null (after printing why) when a path does not exist.
    /// </summary>
    public IReadOnlyList<string>? Files(ParseResult parse, List<Diagnostic>? diagnostics = null) => Files(parse.GetValue(Paths) ?? [], diagnostics ?? []);

    /// <inheritdoc cref="Files(ParseResult, List{Diagnostic})"/>
    public static IReadOnlyList<string>? Files(IEnumerable<string> paths, List<Diagnostic> diagnostics, FolderLimits? limits = null)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var listing = ManifestFolderWalk.List(path, limits);
                files.AddRange(listing.Files);
                diagnostics.AddRange(listing.Diagnostics);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                Console.Error.WriteLine($"switchyard: {path}: no such file or folder");
                return null;
            }
        }

        return files;
    }

    public static ClusterSnapshot Load(IReadOnlyList<string> files, IEnumerable<Diagnostic>? listing = null, FolderLimits? limits = null) =>
        ManifestLoader.Build(files.Select(f => ManifestLoader.ParseFile(f, limits?.MaxFileBytes)), listing);
}
