using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Tracing;

/// <summary>
/// The sampling decision of a traced call, taken before any span exists so that a call that is not sampled costs no
/// Activity: Traefik's ParentBased(TraceIDRatioBased(sampleRate)) (pkg/observability/types/tracing.go). A caller's
/// W3C traceparent decides by its sampled flag; a new trace is sampled when its random trace id falls under the rate.
/// A call that is not sampled still tells the backend so, as the Go SDK's non-recording span does in Traefik: the
/// traceparent it forwards keeps the trace id (the caller's, or a new one) with a new span id and flags 00.
/// </summary>
internal static class TraceSampling
{
    // "00-" trace-id(32) "-" parent-id(16) "-" flags(2): version 00 is the only one defined (W3C Trace Context §3.2).
    private const int Length = 55;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>
    /// True when the call is sampled (<paramref name="parent"/> is then the caller's context, or default for a new
    /// trace); false when it is not, after writing the not-sampled traceparent the backend is to get.
    /// </summary>
    public static bool Sample(HttpRequest request, double sampleRate, out ActivityContext parent)
    {
        parent = default;
        var headers = request.Headers;
        var traceparent = headers.TraceParent;
        if (traceparent.Count == 1 && traceparent[0] is { } value && IsValid(value))
        {
            if (IsSampled(value))
            {
                // Allocates the caller's ids: only sampled calls get here.
                return ActivityContext.TryParse(value, headers.TraceState.ToString(), isRemote: true, out parent);
            }

            headers.TraceParent = NotSampled(value.AsSpan(3, 32), stackalloc byte[16]);
            return false;
        }

        Span<byte> ids = stackalloc byte[24]; // trace id (16) and span id (8)
        Random.Shared.NextBytes(ids);
        // TraceIdRatioBased: the first 8 bytes of the trace id, as a non-negative number, under rate × long.MaxValue.
        var draw = BinaryPrimitives.ReadInt64BigEndian(ids) & long.MaxValue;
        if (sampleRate >= 1.0 || draw < (long)(sampleRate * long.MaxValue))
        {
            return true;
        }

        Span<char> traceId = stackalloc char[32];
        Convert.TryToHexStringLower(ids[..16], traceId, out _);
        headers.TraceParent = NotSampled(traceId, ids[16..]);
        return false;
    }

    /// <summary>"00-{traceId}-{a new span id, or <paramref name="spanId"/> when it is 8 bytes}-00".</summary>
    private static string NotSampled(ReadOnlySpan<char> traceId, Span<byte> spanId)
    {
        if (spanId.Length != 8)
        {
            spanId = spanId[..8];
            Random.Shared.NextBytes(spanId);
        }

        Span<char> text = stackalloc char[Length];
        "00-".CopyTo(text);
        traceId.CopyTo(text[3..]);
        text[35] = '-';
        Convert.TryToHexStringLower(spanId, text[36..52], out _);
        "-00".CopyTo(text[52..]);
        return new string(text);
    }

    /// <summary>
    /// What ActivityContext.TryParse accepts (a version other than ff, lowercase hex ids that are not all zero, hex
    /// flags), and the dashes where W3C puts them.
    /// </summary>
    internal static bool IsValid(string value)
    {
        if (value.Length != Length || value[2] != '-' || value[35] != '-' || value[52] != '-')
        {
            return false;
        }

        var span = value.AsSpan();
        return IsHex(span[..2]) && span[..2] is not "ff" && IsHex(span.Slice(3, 32)) && IsHex(span.Slice(36, 16)) && IsHex(span.Slice(53, 2))
            && span.Slice(3, 32).ContainsAnyExcept('0') && span.Slice(36, 16).ContainsAnyExcept('0');
    }

    private static bool IsSampled(string value) => (HexValue(value[54]) & 1) == 1;

    private static bool IsHex(ReadOnlySpan<char> s) => !s.ContainsAnyExcept(LowerHex);

    private static int HexValue(char c) => c <= '9' ? c - '0' : c - 'a' + 10;
}
