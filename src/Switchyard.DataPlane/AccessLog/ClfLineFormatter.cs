using System.Buffers;
using System.Globalization;
using System.Text;

namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// Traefik's "common" and "genericCLF" lines (traefik pkg/middlewares/accesslog/logger_formatters.go):
/// <c>host - user [time] "METHOD path proto" status size "referer" "agent"</c>, and for common also
/// <c>count "router" "serviceURL" Nms</c>. Runs on the writer thread.
/// </summary>
internal sealed class ClfLineFormatter(AccessLogOptions options, bool generic)
{
    private readonly StringBuilder _line = new(256);

    public void Write(AccessLogEntry e, IBufferWriter<byte> output)
    {
        var w = _line.Clear();
        w.Append(LineValues.ClientHost(e)).Append(" - ").Append(string.IsNullOrEmpty(e.ClientUsername) ? "-" : e.ClientUsername).Append(" [")
            .Append(e.StartUtc.ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture)).Append(" +0000] \"")
            .Append(Dash(e.Method)).Append(' ').Append(Dash(LineValues.RequestPath(e, options))).Append(' ').Append(Dash(e.Protocol)).Append("\" ")
            .Append(e.DownstreamStatus.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(e.DownstreamContentLength.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(LineValues.Quoted(e.Referer)).Append(' ').Append(LineValues.Quoted(e.UserAgent));
        if (!generic)
        {
            w.Append(' ').Append(e.RequestCount.ToString(CultureInfo.InvariantCulture))
                .Append(' ').Append(LineValues.Quoted(e.RouterName))
                .Append(' ').Append(LineValues.Quoted(e.ServiceUrl))
                .Append(' ').Append(((long)e.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append("ms");
        }

        w.Append('\n');
        foreach (var chunk in w.GetChunks())
        {
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(chunk.Length));
            output.Advance(Encoding.UTF8.GetBytes(chunk.Span, span));
        }
    }

    private static string Dash(string value) => value.Length == 0 ? "-" : value;
}
