using System.Globalization;
using BatchSettle.Core.Settlement;

namespace BatchSettle.Data.Runs;

/// <summary>
/// Writes a claim's trace steps in <see cref="TraceCodec"/>'s text format straight into a reusable char buffer, so that
/// the runner stores the same text without building a string per claim (TraceCodec.Decode reads it back). Catalogued
/// descriptions are written as their <see cref="TraceWhat"/> code, read straight from the step (no lookup);
/// tests/BatchSettle.Data.Tests/Runs/TraceTextTests checks the output against TraceCodec.Encode.
/// </summary>
internal static class TraceText
{
    /// <summary>Appends the encoding of <paramref name="steps"/> at <paramref name="pos"/>, growing the buffer when needed;
    /// returns the number of chars written.</summary>
    public static int Encode(ReadOnlySpan<TraceStep> steps, ref char[] buffer, int pos)
    {
        int start = pos;
        for (int i = 0; i < steps.Length; i++)
        {
            ref readonly var s = ref steps[i];
            // The description is its catalogue code (TraceWhat) unless it is free text, as in TraceCodec.Encode.
            var what = s.WhatEntry;
            string? text = what is null ? s.What : null;
            // A step is at most its texts (escaped: twice their length, plus one for a digits-only description) plus
            // 9 numbers (the code included) and separators.
            int need = (2 * ((s.Rule?.Length ?? 0) + (text?.Length ?? 0))) + 1 + (9 * 21);
            if (pos + need > buffer.Length) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, pos + need));
            var span = buffer.AsSpan();
            if (i > 0) span[pos++] = ';';
            pos = Escape(span, pos, s.Rule);
            span[pos++] = '|';
            if (what is not null)
            {
                pos = Num(span, pos, what.Code);
            }
            else
            {
                if (TraceCodec.IsCode(text)) span[pos++] = '\\';
                pos = Escape(span, pos, text);
            }
            span[pos++] = '|';
            int n = s.Param3 != 0 ? 3 : s.Param2 != 0 ? 2 : s.Param1 != 0 ? 1 : 0;
            if (n >= 1) pos = Num(span, pos, s.Param1);
            if (n >= 2) { span[pos++] = '.'; pos = Num(span, pos, s.Param2); }
            if (n >= 3) { span[pos++] = '.'; pos = Num(span, pos, s.Param3); }
            span[pos++] = '|';
            pos = Num(span, pos, s.Base);
            span[pos++] = '|';
            pos = Num(span, pos, s.Amount);
            span[pos++] = '|';
            if (s.Slot >= 0)
            {
                pos = Num(span, pos, s.Slot);
                span[pos++] = '|';
                pos = Num(span, pos, s.SlotBefore);
                span[pos++] = '|';
                pos = Num(span, pos, s.SlotAfter);
            }
            else
            {
                span[pos++] = '|';
                span[pos++] = '|';
            }
        }
        return pos - start;
    }

    private static int Num(Span<char> span, int pos, long v)
    {
        v.TryFormat(span[pos..], out int w, default, CultureInfo.InvariantCulture);
        return pos + w;
    }

    private static int Escape(Span<char> span, int pos, string? s)
    {
        if (s is null) return pos;
        foreach (char ch in s)
        {
            if (ch is '\\' or '|' or ';') span[pos++] = '\\';
            span[pos++] = ch;
        }
        return pos;
    }
}
