using System.Globalization;
using System.Text;

namespace BatchSettle.Core.Settlement;

/// <summary>
/// A claim's trace steps as one line of text (settlement_result.trace) and back. Steps are separated by ';', fields by
/// '|': <c>rule|what|p1.p2.p3|base|amount|slot|before|after</c>; trailing zero parameter ids and an untouched slot
/// (-1) are left empty. '\', '|' and ';' inside text are escaped with '\'.
/// <para>
/// <c>what</c> is the <see cref="TraceWhat"/> code in decimal when the description is catalogued (every step the engine
/// writes), else the text itself, so nothing is lost. Rows written before the catalogue hold the text of catalogued
/// descriptions too; both forms decode to the same steps. A field of ASCII digits only, with no escape in it, is a code;
/// free text that consists of digits only is written with its first digit escaped (<c>\42</c>) so it stays text.
/// </para>
/// </summary>
public static class TraceCodec
{
    /// <summary>Encodes <paramref name="steps"/> into a single line.</summary>
    public static string Encode(ReadOnlySpan<TraceStep> steps)
    {
        var sb = new StringBuilder(steps.Length * 48);
        for (int i = 0; i < steps.Length; i++)
        {
            ref readonly var s = ref steps[i];
            if (i > 0) sb.Append(';');
            Escape(sb, s.Rule);
            sb.Append('|');
            if (s.WhatEntry is { } what)
            {
                sb.Append(what.Code.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                string text = s.What;
                if (IsCode(text)) sb.Append('\\');
                Escape(sb, text);
            }
            sb.Append('|');
            int n = s.Param3 != 0 ? 3 : s.Param2 != 0 ? 2 : s.Param1 != 0 ? 1 : 0;
            if (n >= 1) sb.Append(s.Param1.ToString(CultureInfo.InvariantCulture));
            if (n >= 2) sb.Append('.').Append(s.Param2.ToString(CultureInfo.InvariantCulture));
            if (n >= 3) sb.Append('.').Append(s.Param3.ToString(CultureInfo.InvariantCulture));
            sb.Append('|').Append(s.Base.ToString(CultureInfo.InvariantCulture));
            sb.Append('|').Append(s.Amount.ToString(CultureInfo.InvariantCulture));
            sb.Append('|');
            if (s.Slot >= 0)
            {
                sb.Append(s.Slot.ToString(CultureInfo.InvariantCulture)).Append('|')
                    .Append(s.SlotBefore.ToString(CultureInfo.InvariantCulture)).Append('|')
                    .Append(s.SlotAfter.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("||");
            }
        }
        return sb.ToString();
    }

    /// <summary>Decodes a line written by <see cref="Encode"/>; a malformed line is a <see cref="FormatException"/>.</summary>
    public static TraceStep[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var steps = new List<TraceStep>();
        if (text.Length == 0) return [];
        var fields = new List<string>(8);
        var cur = new StringBuilder();
        bool whatEscaped = false; // an escape in the what field makes it text even when it is all digits
        for (int i = 0; i <= text.Length; i++)
        {
            char ch = i < text.Length ? text[i] : ';';
            if (ch == '\\' && i + 1 < text.Length)
            {
                cur.Append(text[++i]);
                if (fields.Count == 1) whatEscaped = true;
                continue;
            }
            if (ch == '|')
            {
                fields.Add(cur.ToString());
                cur.Clear();
                continue;
            }
            if (ch == ';')
            {
                fields.Add(cur.ToString());
                cur.Clear();
                steps.Add(ParseStep(fields, whatEscaped, steps.Count));
                fields.Clear();
                whatEscaped = false;
                continue;
            }
            cur.Append(ch);
        }
        return [.. steps];
    }

    private static TraceStep ParseStep(List<string> f, bool whatEscaped, int index)
    {
        if (f.Count != 8) throw new FormatException($"trace step {index + 1}: expected 8 fields, found {f.Count}");
        var s = new TraceStep { Rule = f[0], Slot = -1 };
        if (!whatEscaped && IsCode(f[1]))
        {
            s.WhatEntry = int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int code)
                && TraceWhat.FromCode(code) is { } entry
                ? entry
                : throw new FormatException(
                    $"trace step {index + 1}: description code {f[1]} is not in the catalogue (TraceWhat); written by a newer version?");
        }
        else
        {
            s.What = f[1]; // text: free, or a catalogued description as rows before the catalogue stored it
        }
        if (f[2].Length > 0)
        {
            var ps = f[2].Split('.');
            if (ps.Length > 3) throw new FormatException($"trace step {index + 1}: more than 3 parameter ids");
            s.Param1 = Int(ps[0], index);
            if (ps.Length > 1) s.Param2 = Int(ps[1], index);
            if (ps.Length > 2) s.Param3 = Int(ps[2], index);
        }
        s.Base = Long(f[3], index);
        s.Amount = Long(f[4], index);
        if (f[5].Length > 0)
        {
            s.Slot = Int(f[5], index);
            s.SlotBefore = Long(f[6], index);
            s.SlotAfter = Long(f[7], index);
        }
        return s;
    }

    private static int Int(string s, int index) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v)
            ? v : throw new FormatException($"trace step {index + 1}: '{s}' is not an integer");

    private static long Long(string s, int index) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
            ? v : throw new FormatException($"trace step {index + 1}: '{s}' is not an integer");

    /// <summary>
    /// True when <paramref name="what"/> would be read as a description code: non-empty, ASCII digits only. An encoder
    /// writing such free text escapes its first character.
    /// </summary>
    public static bool IsCode(ReadOnlySpan<char> what) => !what.IsEmpty && !what.ContainsAnyExceptInRange('0', '9');

    private static void Escape(StringBuilder sb, string? s)
    {
        if (s is null) return;
        foreach (char ch in s)
        {
            if (ch is '\\' or '|' or ';') sb.Append('\\');
            sb.Append(ch);
        }
    }
}
