using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using BatchSettle.Core.Domain;

namespace BatchSettle.Core.Policy;

/// <summary>
/// Parses sql/policy/params.csv (RFC 4180, header
/// <c>id,rule_id,key,qualifier,admdvs,insutype,value,unit,effective_from,effective_to,provenance,citation,note</c>, and
/// (v2) optionally a last column <c>supersedes</c>: the id of an older row this one replaces — a corrected label or
/// citation for the same number; a row may leave that last field off)
/// into <see cref="PolicyParam"/>s. Strict: an unknown unit, code or date, a duplicate id or a malformed quote is a
/// <see cref="FormatException"/> that names the line and column.
/// </summary>
public static class PolicyCsv
{
    /// <summary>The required header, in order.</summary>
    public const string Header = "id,rule_id,key,qualifier,admdvs,insutype,value,unit,effective_from,effective_to,provenance,citation,note";

    private static readonly string[] s_columns = Header.Split(',');

    /// <summary>Parses the whole CSV text.</summary>
    public static IReadOnlyList<PolicyParam> Parse(string text) => [.. ParseWithLines(text).Select(r => r.Param)];

    /// <summary>
    /// Parses the whole CSV text, keeping each row's line number (a simulation draft's later checks name it). An error
    /// is a <see cref="FormatException"/> "<paramref name="source"/> line L, column C (field): why".
    /// </summary>
    public static IReadOnlyList<(int Line, PolicyParam Param)> ParseWithLines(string text, string source = "params.csv")
    {
        try
        {
            return ParseCore(text);
        }
        catch (CsvError e)
        {
            string field = e.Column >= 1 && e.Column <= s_columns.Length + 1
                ? $" ({(e.Column <= s_columns.Length ? s_columns[e.Column - 1] : "supersedes")})" : "";
            throw new FormatException($"{source} line {e.Line}, column {e.Column}{field}: {e.Reason}");
        }
    }

    private static List<(int Line, PolicyParam Param)> ParseCore(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..]; // a UTF-8 BOM read as text
        var result = new List<(int Line, PolicyParam Param)>();
        var ids = new HashSet<int>();
        var records = ReadRecords(text);
        if (records.Count == 0) Fail(1, 1, "empty file: header expected");
        var (headerLine, header) = records[0];
        bool withSupersedes = header.Count == s_columns.Length + 1;
        if (header.Count != s_columns.Length && !withSupersedes) Fail(headerLine, 1, $"header must be '{Header}[,supersedes]'");
        for (int i = 0; i < s_columns.Length; i++)
        {
            if (!string.Equals(header[i], s_columns[i], StringComparison.Ordinal))
                Fail(headerLine, i + 1, $"header column {i + 1} must be '{s_columns[i]}', found '{header[i]}'");
        }
        if (withSupersedes && header[^1] != "supersedes")
            Fail(headerLine, header.Count, $"header column {header.Count} must be 'supersedes', found '{header[^1]}'");
        for (int r = 1; r < records.Count; r++)
        {
            var (line, f) = records[r];
            if (f.Count == 1 && f[0].Length == 0) continue; // blank line
            // The optional last column (supersedes) may be left off a row: rows shipped before it existed keep their text.
            if (f.Count != s_columns.Length && !(withSupersedes && f.Count == s_columns.Length + 1))
                Fail(line, Math.Min(f.Count, s_columns.Length), $"expected {header.Count} fields, found {f.Count}");
            int id = ParseInt(f[0], line, 1, "id");
            if (id <= 0) Fail(line, 1, "id must be a positive integer");
            if (!ids.Add(id)) Fail(line, 1, $"duplicate id {id}");
            string rule = Required(f[1], line, 2, "rule_id");
            string key = Required(f[2], line, 3, "key");
            string qualifier = f[3];
            Region? region = null;
            if (f[4].Length > 0)
            {
                if (!Codes.TryRegion(f[4], out var rg)) Fail(line, 5, $"unknown admdvs '{f[4]}' (210500, 210800 or empty)");
                region = rg;
            }
            InsuType? insu = null;
            if (f[5].Length > 0)
            {
                if (!Codes.TryInsuType(f[5], out var it)) Fail(line, 6, $"unknown insutype '{f[5]}' (310, 390 or empty)");
                insu = it;
            }
            if (!long.TryParse(f[6], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
                Fail(line, 7, $"value '{f[6]}' is not an integer");
            string unit = f[7] switch
            {
                "fen" => "fen",
                "bp" => "bp",
                "months" => "months",
                "days" => "days",
                "count" => "count",
                "flag" => "flag",
                _ => Fail<string>(line, 8, $"unknown unit '{f[7]}' (fen, bp, months, days, count, flag)"),
            };
            DateOnly from = ParseDate(f[8], line, 9, "effective_from");
            DateOnly? to = f[9].Length == 0 ? null : ParseDate(f[9], line, 10, "effective_to");
            if (to is { } t && t < from) Fail(line, 10, "effective_to is before effective_from");
            if (!ProvenanceLabels.TryParse(f[10], out var prov))
                Fail(line, 11, $"unknown provenance '{f[10]}' (stated, derived, interpreted, assumed, {ProvenanceLabels.StatedSupersededText})");
            string citation = Required(f[11], line, 12, "citation");
            int? supersedes = null;
            if (f.Count > s_columns.Length && f[13].Length > 0)
            {
                int old = ParseInt(f[13], line, 14, "supersedes");
                if (old >= id) Fail(line, 14, $"supersedes {old}: a row supersedes an older row (smaller id)");
                supersedes = old;
            }
            result.Add((line, new PolicyParam(id, rule, key, qualifier, region, insu, value, unit, from, to, prov, citation, f[12])
            {
                Supersedes = supersedes,
            }));
        }
        return result;
    }

    /// <summary>Splits RFC 4180 text into records (line number of each record's start, fields).</summary>
    private static List<(int Line, List<string> Fields)> ReadRecords(string text)
    {
        var records = new List<(int, List<string>)>();
        var field = new StringBuilder();
        var fields = new List<string>();
        int line = 1, recordLine = 1, col = 1;
        int i = 0;
        bool any = false;
        while (i < text.Length)
        {
            char ch = text[i];
            if (ch == '"' && field.Length == 0)
            {
                // Quoted field: "" is a quote; ends at a lone quote, which must be followed by , or end of line.
                int startLine = line, startCol = col;
                i++;
                col++;
                while (true)
                {
                    if (i >= text.Length) Fail(startLine, startCol, "unterminated quoted field");
                    char q = text[i];
                    if (q == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; col += 2; continue; }
                        i++;
                        col++;
                        break;
                    }
                    if (q == '\n') { line++; col = 1; } else col++;
                    field.Append(q);
                    i++;
                }
                if (i < text.Length && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
                    Fail(line, col, "characters after a closing quote");
                any = true;
                continue;
            }
            if (ch == '"') Fail(line, col, "quote inside an unquoted field");
            if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                i++;
                col++;
                any = true;
                continue;
            }
            if (ch == '\r' || ch == '\n')
            {
                if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                i++;
                fields.Add(field.ToString());
                field.Clear();
                records.Add((recordLine, fields));
                fields = [];
                line++;
                col = 1;
                recordLine = line;
                any = false;
                continue;
            }
            field.Append(ch);
            i++;
            col++;
            any = true;
        }
        if (any || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add((recordLine, fields));
        }
        return records;
    }

    private static string Required(string s, int line, int col, string name)
    {
        if (s.Length == 0) Fail(line, col, $"{name} is required");
        return s;
    }

    private static int ParseInt(string s, int line, int col, string name)
    {
        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v)) Fail(line, col, $"{name} '{s}' is not an integer");
        return v;
    }

    private static DateOnly ParseDate(string s, int line, int col, string name)
    {
        if (!DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            Fail(line, col, $"{name} '{s}' is not a date YYYY-MM-DD");
        return d;
    }

    [DoesNotReturn]
    private static void Fail(int line, int col, string message) => throw new CsvError(line, col, message);

    [DoesNotReturn]
    private static T Fail<T>(int line, int col, string message) => throw new CsvError(line, col, message);

    /// <summary>Where and why a parse failed; turned into the public FormatException (with the file's name).</summary>
    private sealed class CsvError(int line, int column, string reason) : Exception(reason)
    {
        public int Line { get; } = line;
        public int Column { get; } = column;
        public string Reason { get; } = reason;
    }
}
