using System.Globalization;
using BatchSettle.Core.Money;
using BatchSettle.Data.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Finance;

/// <summary>One line of an opening-balances file: a balance-sheet account's balance in one region's fund book; money fen.</summary>
public sealed record OpeningLine(int Line, string Admdvs, string FundCode, string Account, string? Counterparty, long Debit, long Credit)
{
    public string BookCode => Admdvs + "-" + FundCode;
}

/// <summary>A problem with an opening-balances file or load, naming the line (0 = the file or a book) and the field.</summary>
public sealed record OpeningProblem(int Line, string Field, string Message)
{
    public override string ToString() => Line > 0 ? $"line {Line} field {Field}: {Message}" : $"{Field}: {Message}";
}

/// <summary>What a load did: a voucher per book, or the problems that stopped it (nothing is posted then).</summary>
public sealed record OpeningResult(string Period, IReadOnlyList<OpeningProblem> Problems, IReadOnlyList<(string Book, long VoucherId, long Total)> Vouchers)
{
    public bool Posted => Problems.Count == 0;
}

/// <summary>
/// Opening balances (期初余额) of the fund books, for the period BatchSettle's books start in: the balances carried from
/// before (e.g. 1004 支出户存款, 1101 暂付款 per facility, 3001 一般基金结余). One balanced voucher of kind
/// <c>opening</c> per book, dated the first day of that period and posted through the same guards as every voucher
/// (chart in force, 明细, period open, balanced per voucher). The trial balance reads it as the period's opening, not
/// as a movement. Only balance-sheet accounts: income and expenditure are closed into 3001 every period (结转), so at a
/// period's start their balance is zero. All or nothing: any problem posts nothing.
/// </summary>
public sealed class OpeningBalances(NpgsqlDataSource dataSource, TimeProvider time)
{
    public const string Header = "admdvs,fund_code,account_code,counterparty,debit,credit";

    private static readonly string[] s_funds = ["310100", "330100", "390100", "610100"];

    /// <summary>Reads the file (amounts in yuan, one side per line); every bad line is a problem naming its line and field.</summary>
    public static (List<OpeningLine> Lines, List<OpeningProblem> Problems) ReadFile(string path)
    {
        var lines = new List<OpeningLine>();
        var problems = new List<OpeningProblem>();
        var f = new List<string>();
        using var r = CsvReader.Open(path);
        if (!r.Read(f) || string.Join(",", f) != Header)
        {
            problems.Add(new OpeningProblem(1, "header", $"must be '{Header}'"));
            return (lines, problems);
        }
        var seen = new Dictionary<(string, string, string, string), int>();
        while (r.Read(f))
        {
            int n = r.Line;
            if (f.Count == 1 && f[0].Length == 0) continue;
            if (f.Count != 6)
            {
                problems.Add(new OpeningProblem(n, "*", $"expected 6 fields, found {f.Count}"));
                continue;
            }
            int before = problems.Count;
            if (f[0] is not ("210500" or "210800")) problems.Add(new OpeningProblem(n, "admdvs", $"unknown region '{f[0]}' (210500 Benxi or 210800 Yingkou)"));
            if (Array.IndexOf(s_funds, f[1]) < 0) problems.Add(new OpeningProblem(n, "fund_code", $"unknown fund '{f[1]}' ({string.Join(", ", s_funds)})"));
            if (f[2].Length == 0 || !f[2].All(char.IsAsciiDigit)) problems.Add(new OpeningProblem(n, "account_code", $"'{f[2]}' is not an account code"));
            long d = 0, c = 0;
            if (f[4].Length > 0 && (!FenMath.TryParseYuan(f[4], out d) || d < 0))
                problems.Add(new OpeningProblem(n, "debit", $"'{f[4]}' is not a non-negative amount in yuan (at most two decimals)"));
            if (f[5].Length > 0 && (!FenMath.TryParseYuan(f[5], out c) || c < 0))
                problems.Add(new OpeningProblem(n, "credit", $"'{f[5]}' is not a non-negative amount in yuan (at most two decimals)"));
            if (problems.Count == before && (d == 0) == (c == 0))
                problems.Add(new OpeningProblem(n, "debit", "give the balance on one side: a debit or a credit, not both, not neither"));
            if (problems.Count == before && seen.TryGetValue((f[0], f[1], f[2], f[3]), out int first))
                problems.Add(new OpeningProblem(n, "account_code", $"account {f[2]}{(f[3].Length > 0 ? " / " + f[3] : "")} of book {f[0]}-{f[1]} is already on line {first}"));
            if (problems.Count == before)
            {
                seen[(f[0], f[1], f[2], f[3])] = n;
                lines.Add(new OpeningLine(n, f[0], f[1], f[2], f[3].Length == 0 ? null : f[3], d, c));
            }
        }
        if (r.Error is { } err) problems.Add(new OpeningProblem(r.Line, "*", err));
        return (lines, problems);
    }

    /// <summary>Checks the lines against the chart and the books, then posts one opening voucher per book (or nothing).</summary>
    public async Task<OpeningResult> PostAsync(string period, IReadOnlyList<OpeningLine> lines, string source, string by, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var start = FundBooks.PeriodStart(period);
        var problems = new List<OpeningProblem>();
        if (lines.Count == 0) problems.Add(new OpeningProblem(0, "file", "no opening balances in it"));
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var chart = (await conn.QueryAsync<(string Code, string Kind, bool HasChildren)>(new CommandDefinition(
            """
            SELECT c.code, c.kind, EXISTS (SELECT 1 FROM account_chart k WHERE k.parent = c.code AND k.effective_from <= @d AND (k.effective_to IS NULL OR k.effective_to >= @d))
            FROM account_chart c WHERE c.effective_from <= @d AND (c.effective_to IS NULL OR c.effective_to >= @d)
            """, new { d = start.ToDateTime(TimeOnly.MinValue) }, tx, cancellationToken: ct))).ToDictionary(x => x.Code);
        foreach (var l in lines)
        {
            if (!chart.TryGetValue(l.Account, out var a))
                problems.Add(new OpeningProblem(l.Line, "account_code", $"account {l.Account} is not in the chart in force on {start:yyyy-MM-dd}"));
            else if (a.HasChildren)
                problems.Add(new OpeningProblem(l.Line, "account_code", $"account {l.Account} has 明细 accounts; give the balance of each 明细"));
            else if (a.Kind is "income" or "expense")
                problems.Add(new OpeningProblem(l.Line, "account_code",
                    $"account {l.Account} is {a.Kind}: opening balances carry balance-sheet accounts only (income and expenditure are closed into 3001 every period)"));
        }
        foreach (var book in lines.GroupBy(l => l.BookCode).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            long d = book.Sum(l => l.Debit), c = book.Sum(l => l.Credit);
            if (d != c)
                problems.Add(new OpeningProblem(0, $"book {book.Key}", $"does not balance: debits {FenMath.FormatYuan(d)}, credits {FenMath.FormatYuan(c)}"));
            // Serialises with any other posting to the book (Vouchers.PostAsync takes the same lock).
            await conn.ExecuteAsync(new CommandDefinition("SELECT 1 FROM fund_book WHERE book_code = @b FOR UPDATE", new { b = book.Key }, tx, cancellationToken: ct));
            var state = await conn.QuerySingleAsync<(long? Opening, DateTime? Earliest)>(new CommandDefinition(
                "SELECT (SELECT voucher_id FROM voucher WHERE book_code = @b AND kind = 'opening' LIMIT 1), (SELECT min(voucher_date) FROM voucher WHERE book_code = @b AND kind <> 'opening')",
                new { b = book.Key }, tx, cancellationToken: ct));
            if (state.Opening is { } v)
                problems.Add(new OpeningProblem(0, $"book {book.Key}", $"already has its opening balances (voucher {v}); correct them with a correcting voucher, not a second load"));
            if (state.Earliest is { } e && DateOnly.FromDateTime(e) < start)
                problems.Add(new OpeningProblem(0, $"book {book.Key}", $"has vouchers from {e:yyyy-MM-dd}, before {period}: opening balances belong to the book's first period"));
        }
        foreach (var admdvs in lines.Select(l => l.Admdvs).Distinct().Order(StringComparer.Ordinal))
        {
            var closed = await conn.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                "SELECT max(period) FROM accounting_period WHERE admdvs = @admdvs AND status = 'closed' AND period >= @period",
                new { admdvs, period }, tx, cancellationToken: ct));
            if (closed is not null)
                problems.Add(new OpeningProblem(0, $"period {admdvs} {period}", $"period {closed} is closed: opening balances would move a closed period's figures"));
        }
        if (problems.Count > 0)
        {
            await tx.RollbackAsync(ct);
            return new OpeningResult(period, problems, []);
        }
        var now = time.GetUtcNow();
        var posted = new List<(string, long, long)>();
        foreach (var book in lines.GroupBy(l => l.BookCode).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var vl = book.OrderBy(l => l.Line).Select(l => new VoucherLineIn(l.Account, l.Debit, l.Credit, l.Counterparty)).ToList();
            long id = await Vouchers.PostAsync(conn, tx, book.Key, start, "opening", $"{period} 期初余额 ({source})", vl, now, by, ct: ct);
            posted.Add((book.Key, id, book.Sum(l => l.Debit)));
        }
        await conn.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_action (at, actor, role, action, target, outcome, detail) VALUES (@at, @by, 'finance', 'opening balances', @target, 'posted', @detail)",
            new { at = now, by, target = string.Join(", ", posted.Select(p => p.Item1)) + " " + period,
                  detail = string.Create(CultureInfo.InvariantCulture, $"{source}: {lines.Count} lines, vouchers {string.Join(", ", posted.Select(p => p.Item2))}") },
            tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new OpeningResult(period, [], posted);
    }
}
