using System.Globalization;
using System.Runtime.InteropServices;

namespace Switchyard;

/// <summary>
/// Gives back the resident pages of the files the process maps — the code and read-only data of the runtime, the
/// framework and Switchyard's assemblies — with <c>madvise(MADV_PAGEOUT)</c> (Linux 5.4+). The start runs code that
/// steady serving never runs again (the static config and YAML readers, the manifest decoder and the compiler's
/// first use, the hosts' set-up), and the kernel maps whole neighbourhoods of every page a fault touches (fault-around,
/// readahead), so after the first table ~51 of an idle 1-route gateway's ~76 MB resident were file pages, of which
/// serving uses a fraction. Paged out, those pages are freed; the ones a call needs come back on its first touch, so
/// what stays resident is what the gateway uses: idle 66 MB instead of 76, under the 512-stream load 112 instead of
/// 118, at the same CPU per call (docs/performance-log.md, 2026-12-07 21:55).
/// </summary>
/// <remarks>
/// MADV_PAGEOUT never changes what the process reads: clean file pages are re-read from the file, and the private
/// copies a mapping made (relocated pages, written data sections) are anonymous memory, which the kernel only pages
/// out to swap. Only private mappings of regular files are advised — not shared ones (their dirty pages would be
/// written to the file) nor the runtime's memfd double mapping of jitted code. The kernel pages out a file's pages
/// only for a process that owns the file or may write it, and skips pages other processes map too: in the container
/// image the files belong to the user Switchyard runs as (Dockerfile).
/// </remarks>
public static class MappedFilePages
{
    /// <summary>Bench lever: "0" leaves the pages where they are (an A/B of this in one run).</summary>
    public const string SwitchVariable = "SWITCHYARD_PAGEOUT";

    private const int MadvPageout = 21;

    private static int _unsupported;

    /// <summary>
    /// Pages out every private file mapping of the process; returns the resident file pages (RssFile) before and
    /// after, in bytes, or null where there is nothing to do (not Linux, turned off, or a kernel without MADV_PAGEOUT).
    /// </summary>
    public static (long Before, long After)? GiveBack()
    {
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref _unsupported) != 0 || Environment.GetEnvironmentVariable(SwitchVariable) == "0")
        {
            return null;
        }

        try
        {
            return PageOut();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            // A sandbox without /proc or a libc without madvise: a best-effort give-back, never a failure of the trim.
            Volatile.Write(ref _unsupported, 1);
            return null;
        }
    }

    private static (long Before, long After)? PageOut()
    {
        var before = ResidentFileBytes();
        var maps = File.ReadAllLines("/proc/self/maps");
        int advised = 0, refused = 0;
        foreach (var line in maps)
        {
            if (Parse(line) is not { } range)
            {
                continue;
            }

            // A mapping may refuse the advice (EINVAL for locked or special pages) or be gone by now (ENOMEM): skipped.
            if (madvise(range.Start, range.Length, MadvPageout) == 0)
            {
                advised++;
            }
            else if (Marshal.GetLastPInvokeError() == 22 /* EINVAL */)
            {
                refused++;
            }
        }

        if (advised == 0 && refused > 0)
        {
            // A kernel before 5.4 does not know the advice at all: no more attempts.
            Volatile.Write(ref _unsupported, 1);
            return null;
        }

        return (before, ResidentFileBytes());
    }

    /// <summary>
    /// The address range of a /proc/self/maps line worth paging out: a private mapping of a regular file
    /// ("7f12…-7f13… r-xp 00000000 08:01 1234   /app/libcoreclr.so"); null for anything else.
    /// </summary>
    public static (nint Start, nuint Length)? Parse(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 6 || fields[1].Length != 4 || fields[1][3] != 'p' || fields[4] == "0")
        {
            return null;
        }

        var path = fields[5].Trim();
        if (!path.StartsWith('/') || path.StartsWith("/memfd:", StringComparison.Ordinal) || path.StartsWith("/dev/", StringComparison.Ordinal))
        {
            return null;
        }

        var dash = fields[0].IndexOf('-');
        if (dash <= 0
            || !ulong.TryParse(fields[0].AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start)
            || !ulong.TryParse(fields[0].AsSpan(dash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var end)
            || end <= start)
        {
            return null;
        }

        return ((nint)start, (nuint)(end - start));
    }

    /// <summary>RssFile of /proc/self/status in bytes (0 when it cannot be read).</summary>
    public static long ResidentFileBytes()
    {
        try
        {
            // "RssFile:\t   37880 kB"
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith("RssFile:", StringComparison.Ordinal))
                {
                    continue;
                }

                var value = line.AsSpan("RssFile:".Length).Trim();
                var space = value.IndexOf(' ');
                return long.TryParse(space < 0 ? value : value[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb << 10 : 0;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return 0;
    }

    // DllImport: the arguments are blittable, so there is nothing to marshal (LibraryImport would need unsafe code here).
    [DllImport("libc", SetLastError = true)]
    private static extern int madvise(nint address, nuint length, int advice);
}
