using System.Buffers;
using System.Text;

namespace Switchyard.DataPlane.AccessLog;

/// <summary>
/// Traefik's "common" and "genericCLF" lines (traefik pkg/middlewares/accesslog/logger_formatters.go):
/// <c>host - user [time] "METHOD path proto" status size "referer" "agent"</c>, and for common also
/// <c>count "router" "serviceURL" Nms</c>. Runs on the writer thread; the line is composed in a reused buffer.
/// </summary>
internal sealed class ClfLineFormatter(AccessLogOptions options, bool generic)
{
    private readonly LineText _line = new();

    public void Write(AccessLogEntry e, IBufferWriter<byte> output)
    {
        var w = _line.Clear();
        LineValues.ClientHost(e, w).Append(" - ").Append(string.IsNullOrEmpty(e.ClientUsername) ? "-" : e.ClientUsername).Append(" [")
            .Append(e.StartUtc, "dd/MMM/yyyy:HH:mm:ss").Append(" +0000] \"")
            .Append(Dash(e.Method)).Append(' ');
        var path = w.Length;
        LineValues.RequestPath(e, options, w);
        if (w.Length == path)
        {
            w.Append('-');
        }

        w.Append(' ').Append(Dash(e.Protocol)).Append("\" ")
            .Append(e.DownstreamStatus).Append(' ')
            .Append(e.DownstreamContentLength).Append(' ');
        LineValues.Quoted(e.Referer, w).Append(' ');
        LineValues.Quoted(e.UserAgent, w);
        if (!generic)
        {
            w.Append(' ').Append(e.RequestCount).Append(' ');
            LineValues.Quoted(e.RouterName, w).Append(' ');
            LineValues.Quoted(e.ServiceUrl, w).Append(' ').Append((long)e.Duration.TotalMilliseconds).Append("ms");
        }

        w.Append('\n');
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(w.Length));
        output.Advance(Encoding.UTF8.GetBytes(w.Span, span));
    }

    private static string Dash(string value) => value.Length == 0 ? "-" : value;
}
