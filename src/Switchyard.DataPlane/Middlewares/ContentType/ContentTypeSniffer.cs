using System.Text;
using System.Text.Unicode;

namespace Switchyard.DataPlane.Middlewares.ContentType;

/// <summary>
/// A small content sniffer in the spirit of Go's http.DetectContentType (which Traefik uses): HTML markers,
/// a few binary signatures, UTF-8 text, else application/octet-stream.
/// </summary>
public static class ContentTypeSniffer
{
    private static readonly string[] HtmlMarkers = ["<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1", "<DIV", "<FONT", "<TABLE", "<A", "<STYLE", "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--"];

    public static string Detect(ReadOnlySpan<byte> data)
    {
        data = data[..Math.Min(data.Length, 512)];
        var trimmed = data.TrimStart(" \t\r\n\f"u8);
        foreach (var marker in HtmlMarkers)
        {
            if (trimmed.Length > marker.Length && Ascii.EqualsIgnoreCase(trimmed[..marker.Length], Encoding.ASCII.GetBytes(marker))
                && trimmed[marker.Length] is (byte)' ' or (byte)'>')
            {
                return "text/html; charset=utf-8";
            }
        }

        if (trimmed.StartsWith("<?xml"u8))
        {
            return "text/xml; charset=utf-8";
        }

        if (data.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }

        if (data.StartsWith("\x89PNG\r\n\x1a\n"u8))
        {
            return "image/png";
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }

        if (data.StartsWith(new byte[] { 0xFF, 0xD8, 0xFF }))
        {
            return "image/jpeg";
        }

        if (data.StartsWith(new byte[] { 0x1F, 0x8B, 0x08 }))
        {
            return "application/x-gzip";
        }

        if (data.StartsWith("PK\x03\x04"u8))
        {
            return "application/zip";
        }

        return Utf8.IsValid(data) && !data.ContainsAnyInRange((byte)0, (byte)8)
            ? "text/plain; charset=utf-8"
            : "application/octet-stream";
    }
}
