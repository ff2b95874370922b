using System.Text.Json;

namespace Switchyard.DataPlane.Acme;

/// <summary>
/// Folder-mode storage: <c>&lt;dir&gt;/account.key.pem</c> and one JSON file per domain set under
/// <c>&lt;dir&gt;/certificates/</c>. Files are written to a temporary name then moved, so a crash never leaves half a
/// certificate; key files are created readable by the owner only.
/// </summary>
public sealed class DirectoryAcmeStorage(string directory) : IAcmeStorage
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<string?> LoadAccountKeyAsync(CancellationToken ct)
    {
        var path = Path.Combine(directory, "account.key.pem");
        return File.Exists(path) ? await File.ReadAllTextAsync(path, ct) : null;
    }

    public Task SaveAccountKeyAsync(string pem, CancellationToken ct) =>
        WriteAsync(Path.Combine(directory, "account.key.pem"), pem, ct);

    public async Task<AcmeCertificate?> LoadCertificateAsync(IReadOnlyList<string> domains, CancellationToken ct)
    {
        var path = PathFor(domains);
        if (!File.Exists(path))
        {
            return null;
        }

        var stored = JsonSerializer.Deserialize<AcmeCertificate>(await File.ReadAllTextAsync(path, ct), Json);
        return stored is not null && stored.Domains.SequenceEqual(domains, StringComparer.OrdinalIgnoreCase) ? stored : null;
    }

    public Task SaveCertificateAsync(AcmeCertificate certificate, CancellationToken ct) =>
        WriteAsync(PathFor(certificate.Domains), JsonSerializer.Serialize(certificate, Json), ct);

    private string PathFor(IReadOnlyList<string> domains)
    {
        var name = string.Join("+", domains).Replace('*', '_').ToLowerInvariant();
        return Path.Combine(directory, "certificates", name + ".json");
    }

    private static async Task WriteAsync(string path, string content, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(tmp, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(content.AsMemory(), ct);
        }

        File.Move(tmp, path, overwrite: true);
    }
}
