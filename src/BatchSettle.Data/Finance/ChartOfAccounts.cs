using System.Globalization;
using BatchSettle.Data.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Finance;

/// <summary>One account of the national chart (社会保险基金会计制度, 财会〔2017〕28号) as effective-dated data.</summary>
public sealed record ChartAccount(
    string Code, string? Parent, string NameZh, string NameEn, string Kind, string NormalSide,
    DateOnly EffectiveFrom, DateOnly? EffectiveTo, string Source, string Note);

/// <summary>
/// sql/finance/chart.csv ⇄ account_chart. Loaded by the migrations runner after the policy parameters, with the same
/// rule: a loaded row (code, effective_from) never changes; a new version of an account is a new row with its own dates.
/// </summary>
public static class ChartOfAccounts
{
    public const string Header = "code,parent,name_zh,name_en,kind,normal_side,effective_from,effective_to,source,note";

    private static readonly HashSet<string> s_kinds = ["asset", "liability", "net_assets", "income", "expense"];

    public static List<ChartAccount> Parse(string path)
    {
        var list = new List<ChartAccount>();
        var f = new List<string>();
        using var r = CsvReader.Open(path);
        if (!r.Read(f) || string.Join(",", f) != Header) throw new FormatException($"{path}: header must be '{Header}'");
        var keys = new HashSet<(string, DateOnly)>();
        while (r.Read(f))
        {
            string Where(string field) => $"{path} line {r.Line} field {field}";
            if (f.Count != 10) throw new FormatException($"{path} line {r.Line}: expected 10 fields, found {f.Count}");
            if (f[0].Length == 0 || !f[0].All(char.IsAsciiDigit)) throw new FormatException($"{Where("code")}: '{f[0]}' is not a numeric account code");
            if (!s_kinds.Contains(f[4])) throw new FormatException($"{Where("kind")}: unknown kind '{f[4]}'");
            if (f[5] is not ("D" or "C")) throw new FormatException($"{Where("normal_side")}: '{f[5]}' (D or C)");
            if (!DateOnly.TryParseExact(f[6], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from))
                throw new FormatException($"{Where("effective_from")}: '{f[6]}' is not YYYY-MM-DD");
            DateOnly? to = null;
            if (f[7].Length > 0)
            {
                if (!DateOnly.TryParseExact(f[7], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
                    throw new FormatException($"{Where("effective_to")}: '{f[7]}' is not YYYY-MM-DD");
                to = t;
            }
            if (f[8].Length == 0) throw new FormatException($"{Where("source")}: every account cites its source");
            if (!keys.Add((f[0], from))) throw new FormatException($"{path} line {r.Line}: account {f[0]} from {f[6]} appears twice");
            list.Add(new ChartAccount(f[0], f[1].Length == 0 ? null : f[1], f[2], f[3], f[4], f[5], from, to, f[8], f[9]));
        }
        foreach (var a in list)
        {
            if (a.Parent is { } p && !list.Any(x => x.Code == p))
                throw new FormatException($"{path}: account {a.Code}'s parent {p} is not in the chart");
        }
        return list;
    }

    /// <summary>Inserts the new rows; refuses a row whose (code, effective_from) is loaded with different content.</summary>
    public static async Task LoadAsync(NpgsqlConnection conn, string path, TextWriter? log, CancellationToken ct)
    {
        if (!File.Exists(path)) return;
        var rows = Parse(path);
        var existing = (await conn.QueryAsync<Row>(new CommandDefinition(
            "SELECT code, parent, name_zh AS NameZh, name_en AS NameEn, kind, normal_side AS NormalSide, effective_from AS EffectiveFrom, effective_to AS EffectiveTo, source, note FROM account_chart",
            cancellationToken: ct))).ToDictionary(x => (x.Code, DateOnly.FromDateTime(x.EffectiveFrom)), x => x.ToAccount());
        var add = new List<ChartAccount>();
        foreach (var a in rows)
        {
            if (existing.TryGetValue((a.Code, a.EffectiveFrom), out var old))
            {
                if (old != a)
                    throw new InvalidOperationException($"{path}: account {a.Code} from {a.EffectiveFrom:yyyy-MM-dd} differs from the row already loaded; a loaded account never changes — add a new row with its own dates");
                continue;
            }
            add.Add(a);
        }
        if (add.Count == 0) return;
        await using var tx = await conn.BeginTransactionAsync(ct);
        foreach (var a in add)
        {
            await conn.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO account_chart (code, parent, name_zh, name_en, kind, normal_side, effective_from, effective_to, source, note)
                VALUES (@Code, @Parent, @NameZh, @NameEn, @Kind, @NormalSide, @From, @To, @Source, @Note)
                """,
                new { a.Code, a.Parent, a.NameZh, a.NameEn, a.Kind, a.NormalSide, From = a.EffectiveFrom.ToDateTime(TimeOnly.MinValue),
                      To = a.EffectiveTo?.ToDateTime(TimeOnly.MinValue), a.Source, a.Note }, tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
        log?.WriteLine($"loaded {add.Count} chart accounts");
    }

    private sealed class Row
    {
        public string Code { get; set; } = "";
        public string? Parent { get; set; }
        public string NameZh { get; set; } = "";
        public string NameEn { get; set; } = "";
        public string Kind { get; set; } = "";
        public string NormalSide { get; set; } = "";
        public DateTime EffectiveFrom { get; set; }
        public DateTime? EffectiveTo { get; set; }
        public string Source { get; set; } = "";
        public string Note { get; set; } = "";

        public ChartAccount ToAccount() => new(Code, Parent, NameZh, NameEn, Kind, NormalSide, DateOnly.FromDateTime(EffectiveFrom),
            EffectiveTo is { } t ? DateOnly.FromDateTime(t) : null, Source, Note);
    }
}
