using Dapper;
using Npgsql;

namespace BatchSettle.Data.Finance;

/// <summary>
/// One account of a trial balance (科目余额表), money fen. Balances are on the account's normal side (a debit-normal
/// account: opening + debits − credits).
/// </summary>
public sealed record TrialBalanceLine(string Code, string NameZh, string Kind, string NormalSide, int Level,
    long Opening, long Debits, long Credits, long YearDebits, long YearCredits, long Closing);

public sealed record TrialBalance(string BookCode, string BookName, string Admdvs, string Period, IReadOnlyList<TrialBalanceLine> Lines)
{
    /// <summary>Totals over the leaf accounts (level 1 accounts without 明细 and the 明细 themselves).</summary>
    public (long Debits, long Credits) Totals
    {
        get
        {
            var leaves = Lines.Where(l => l.Level == 2 || !Lines.Any(c => c.Level == 2 && c.Code.StartsWith(l.Code, StringComparison.Ordinal))).ToList();
            return (leaves.Sum(l => l.Debits), leaves.Sum(l => l.Credits));
        }
    }
}

/// <summary>One line of the balance sheet (会社保01表) or the income-and-expenditure statement (会社保02表).</summary>
public sealed record ReportLine(string Label, string? Code, long Current, long Comparison, long? PriorMonth = null, long? PriorYear = null);

public sealed record FundReport(string Title, string FormNo, string BookCode, string BookName, string Admdvs, string Period,
    string CurrentHeader, string ComparisonHeader, IReadOnlyList<ReportLine> Lines, bool HasPriorMonth, bool HasPriorYear);

/// <summary>Reports of a fund book for a period, computed from its vouchers (the book's only entries).</summary>
public sealed class Reports(NpgsqlDataSource dataSource)
{
    public async Task<(string Name, string Admdvs)> BookAsync(string bookCode, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var b = await conn.QueryFirstOrDefaultAsync<(string Name, string Admdvs)>(new CommandDefinition(
            "SELECT name_zh, admdvs FROM fund_book WHERE book_code = @bookCode", new { bookCode }, cancellationToken: ct));
        return b.Name is null ? throw new FinanceException($"fund book {bookCode} does not exist (books: <admdvs>-310100, -330100, -390100, -610100)") : b;
    }

    public async Task<List<string>> BooksAsync(string admdvs, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<string>(new CommandDefinition("SELECT book_code FROM fund_book WHERE admdvs = @admdvs ORDER BY fund_code",
            new { admdvs }, cancellationToken: ct))).ToList();
    }

    public async Task<TrialBalance> TrialBalanceAsync(string bookCode, string period, CancellationToken ct = default)
    {
        var (name, admdvs) = await BookAsync(bookCode, ct);
        var start = FundBooks.PeriodStart(period);
        var yearStart = new DateOnly(start.Year, 1, 1);
        var end = FundBooks.PeriodEnd(period);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<(string Code, long OpenD, long OpenC, long D, long C, long YD, long YC)>(new CommandDefinition(
            """
            SELECT l.account_code,
                   COALESCE(sum(l.debit) FILTER (WHERE v.voucher_date < @start OR v.kind = 'opening'), 0)::bigint,
                   COALESCE(sum(l.credit) FILTER (WHERE v.voucher_date < @start OR v.kind = 'opening'), 0)::bigint,
                   COALESCE(sum(l.debit) FILTER (WHERE v.voucher_date >= @start AND v.kind <> 'opening'), 0)::bigint,
                   COALESCE(sum(l.credit) FILTER (WHERE v.voucher_date >= @start AND v.kind <> 'opening'), 0)::bigint,
                   COALESCE(sum(l.debit) FILTER (WHERE v.voucher_date >= @yearStart AND v.kind <> 'opening'), 0)::bigint,
                   COALESCE(sum(l.credit) FILTER (WHERE v.voucher_date >= @yearStart AND v.kind <> 'opening'), 0)::bigint
            FROM voucher v JOIN voucher_line l ON l.voucher_id = v.voucher_id
            WHERE v.book_code = @bookCode AND v.voucher_date <= @end
            GROUP BY 1
            """, new { bookCode, start = start.ToDateTime(TimeOnly.MinValue), yearStart = yearStart.ToDateTime(TimeOnly.MinValue), end = end.ToDateTime(TimeOnly.MinValue) },
            cancellationToken: ct))).ToDictionary(r => r.Code);
        var chart = (await conn.QueryAsync<(string Code, string? Parent, string Name, string Kind, string Side)>(new CommandDefinition(
            """
            SELECT code, parent, name_zh, kind, normal_side FROM account_chart
            WHERE effective_from <= @end AND (effective_to IS NULL OR effective_to >= @end) ORDER BY code
            """, new { end = end.ToDateTime(TimeOnly.MinValue) }, cancellationToken: ct))).ToList();
        var lines = new List<TrialBalanceLine>();
        foreach (var a in chart)
        {
            var own = rows.Where(r => r.Key == a.Code || chart.Any(c => c.Code == r.Key && c.Parent == a.Code)).Select(r => r.Value).ToList();
            if (own.Count == 0) continue;
            long od = own.Sum(x => x.OpenD), oc = own.Sum(x => x.OpenC), d = own.Sum(x => x.D), c = own.Sum(x => x.C);
            long sign = a.Side == "D" ? 1 : -1;
            long opening = sign * (od - oc);
            lines.Add(new TrialBalanceLine(a.Code, a.Name, a.Kind, a.Side, a.Parent is null ? 1 : 2, opening, d, c,
                own.Sum(x => x.YD), own.Sum(x => x.YC), opening + sign * (d - c)));
        }
        return new TrialBalance(bookCode, name, admdvs, period, lines);
    }

    /// <summary>会社保01表: 年初余额 / 期末余额 per line of the national layout.</summary>
    public async Task<FundReport> BalanceSheetAsync(string bookCode, string period, CancellationToken ct = default)
    {
        var (name, admdvs) = await BookAsync(bookCode, ct);
        var tb = await TrialBalanceAsync(bookCode, period, ct);
        var start = FundBooks.PeriodStart(period);
        var yearOpen = await BalancesBeforeAsync(bookCode, new DateOnly(start.Year, 1, 1), ct);
        long End(string code) => tb.Lines.FirstOrDefault(l => l.Code == code)?.Closing ?? 0;
        long Begin(string code) => yearOpen.GetValueOrDefault(code);
        // Income and expenditure not yet closed (结转) sit beside 3001 until the period closes.
        long unclosedEnd = tb.Lines.Where(l => l.Level == 1 && l.Kind == "income").Sum(l => l.Closing) - tb.Lines.Where(l => l.Level == 1 && l.Kind == "expense").Sum(l => l.Closing);
        long unclosedBegin = yearOpen.Where(kv => kv.Key.StartsWith('4') && kv.Key.Length == 4).Sum(kv => kv.Value) - yearOpen.Where(kv => kv.Key.StartsWith('5') && kv.Key.Length == 4).Sum(kv => kv.Value);
        var lines = new List<ReportLine>();
        string[] assets = ["1001", "1002", "1003", "1004", "1005", "1101", "1201"];
        string[] assetNames = ["库存现金", "收入户存款", "财政专户存款", "支出户存款", "国库存款", "暂付款", "债券投资"];
        for (int i = 0; i < assets.Length; i++) lines.Add(new ReportLine(assetNames[i], assets[i], End(assets[i]), Begin(assets[i])));
        lines.Add(new ReportLine("资产合计", null, assets.Sum(End), assets.Sum(Begin)));
        lines.Add(new ReportLine("暂收款", "2001", End("2001"), Begin("2001")));
        lines.Add(new ReportLine("借入款项", "2101", End("2101"), Begin("2101")));
        lines.Add(new ReportLine("负债合计", null, End("2001") + End("2101"), Begin("2001") + Begin("2101")));
        lines.Add(new ReportLine("一般基金结余", "3001", End("3001") + unclosedEnd, Begin("3001") + unclosedBegin));
        lines.Add(new ReportLine("净资产合计", null, End("3001") + unclosedEnd, Begin("3001") + unclosedBegin));
        lines.Add(new ReportLine("负债和净资产总计", null, End("2001") + End("2101") + End("3001") + unclosedEnd,
            Begin("2001") + Begin("2101") + Begin("3001") + unclosedBegin));
        return new FundReport("资产负债表", "会社保01表", bookCode, name, admdvs, period, "期末余额", "年初余额", lines, false, false);
    }

    /// <summary>
    /// 会社保02表: 本月数 / 本年累计数, with 上月数 (环比) and 上年同期本年累计 (同比) where those periods exist. Closing
    /// vouchers (结转) are left out; 社会保险待遇支出 = debits − credits (net of recoveries and red ink).
    /// </summary>
    public async Task<FundReport> IncomeStatementAsync(string bookCode, string period, CancellationToken ct = default)
    {
        var (name, admdvs) = await BookAsync(bookCode, ct);
        var start = FundBooks.PeriodStart(period);
        string prevMonth = FundBooks.PreviousPeriod(period);
        string lastYear = FundBooks.PeriodOf(start.AddYears(-1));
        var existing = (await new Periods(dataSource, TimeProvider.System).ListAsync(admdvs, ct)).Select(p => p.Period).ToHashSet();
        bool hasPrev = existing.Contains(prevMonth), hasLastYear = existing.Contains(lastYear);
        var month = await MovementsAsync(bookCode, start, FundBooks.PeriodEnd(period), ct);
        var ytd = await MovementsAsync(bookCode, new DateOnly(start.Year, 1, 1), FundBooks.PeriodEnd(period), ct);
        var prev = hasPrev ? await MovementsAsync(bookCode, FundBooks.PeriodStart(prevMonth), FundBooks.PeriodEnd(prevMonth), ct) : [];
        var lyYtd = hasLastYear ? await MovementsAsync(bookCode, new DateOnly(start.Year - 1, 1, 1), FundBooks.PeriodEnd(lastYear), ct) : [];
        var lines = new List<ReportLine>();
        (string Label, string Code, bool Income)[] layout =
        [
            ("社会保险费收入", "4001", true), ("财政补贴收入", "4101", true), ("利息收入", "4201", true), ("上级补助收入", "4401", true),
            ("下级上解收入", "4402", true), ("其他收入", "4501", true),
            ("社会保险待遇支出", "5001", false), ("  其中：住院费用支出", "500101", false), ("        门诊费用支出", "500102", false),
            ("        门诊慢特病费用支出", "500103", false), ("        生育费用支出", "500104", false), ("大病保险支出", "5101", false),
            ("上解上级支出", "5301", false), ("补助下级支出", "5302", false), ("其他支出", "5401", false),
        ];
        long V(Dictionary<string, long> m, string code, bool income) =>
            (income ? -1 : 1) * m.Where(kv => kv.Key == code || (code.Length == 4 && kv.Key.Length == 6 && kv.Key.StartsWith(code, StringComparison.Ordinal))).Sum(kv => kv.Value);
        lines.Add(new ReportLine("一、基金收入", null, layout.Where(l => l.Income).Sum(l => V(month, l.Code, true)), layout.Where(l => l.Income).Sum(l => V(ytd, l.Code, true)),
            hasPrev ? layout.Where(l => l.Income).Sum(l => V(prev, l.Code, true)) : null, hasLastYear ? layout.Where(l => l.Income).Sum(l => V(lyYtd, l.Code, true)) : null));
        foreach (var l in layout.Where(l => l.Income))
            lines.Add(new ReportLine(l.Label, l.Code, V(month, l.Code, true), V(ytd, l.Code, true), hasPrev ? V(prev, l.Code, true) : null, hasLastYear ? V(lyYtd, l.Code, true) : null));
        var top = layout.Where(l => !l.Income && l.Code.Length == 4).ToList();
        lines.Add(new ReportLine("二、基金支出", null, top.Sum(l => V(month, l.Code, false)), top.Sum(l => V(ytd, l.Code, false)),
            hasPrev ? top.Sum(l => V(prev, l.Code, false)) : null, hasLastYear ? top.Sum(l => V(lyYtd, l.Code, false)) : null));
        foreach (var l in layout.Where(l => !l.Income))
            lines.Add(new ReportLine(l.Label, l.Code, V(month, l.Code, false), V(ytd, l.Code, false), hasPrev ? V(prev, l.Code, false) : null, hasLastYear ? V(lyYtd, l.Code, false) : null));
        var inc = lines[0];
        var exp = lines.First(x => x.Label == "二、基金支出");
        lines.Add(new ReportLine("三、本期基金结余", null, inc.Current - exp.Current, inc.Comparison - exp.Comparison,
            hasPrev ? inc.PriorMonth - exp.PriorMonth : null, hasLastYear ? inc.PriorYear - exp.PriorYear : null));
        return new FundReport("收支表", "会社保02表", bookCode, name, admdvs, period, "本月数", "本年累计数", lines, hasPrev, hasLastYear);
    }

    /// <summary>Net debit (debits − credits) per account over [from, to], closing vouchers left out.</summary>
    private async Task<Dictionary<string, long>> MovementsAsync(string bookCode, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Code, long Net)>(new CommandDefinition(
            """
            SELECT l.account_code, sum(l.debit - l.credit)::bigint FROM voucher v JOIN voucher_line l ON l.voucher_id = v.voucher_id
            WHERE v.book_code = @bookCode AND v.voucher_date BETWEEN @from AND @to AND v.kind NOT IN ('closing', 'opening') GROUP BY 1
            """, new { bookCode, from = from.ToDateTime(TimeOnly.MinValue), to = to.ToDateTime(TimeOnly.MinValue) }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Code, r => r.Net);
    }

    /// <summary>
    /// Balances on the normal side per level-1 account before <paramref name="date"/> (a year's start; 明细 rolled up).
    /// Opening balances loaded for a period of that year count as its 年初余额 (the books know nothing earlier).
    /// </summary>
    private async Task<Dictionary<string, long>> BalancesBeforeAsync(string bookCode, DateOnly date, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Code, long Bal)>(new CommandDefinition(
            """
            SELECT COALESCE(c.parent, c.code), sum(CASE WHEN p.normal_side = 'D' THEN l.debit - l.credit ELSE l.credit - l.debit END)::bigint
            FROM voucher v JOIN voucher_line l ON l.voucher_id = v.voucher_id
            JOIN account_chart c ON c.code = l.account_code AND c.effective_from <= v.voucher_date AND (c.effective_to IS NULL OR c.effective_to >= v.voucher_date)
            JOIN account_chart p ON p.code = COALESCE(c.parent, c.code) AND p.effective_from <= v.voucher_date AND (p.effective_to IS NULL OR p.effective_to >= v.voucher_date)
            WHERE v.book_code = @bookCode AND (v.voucher_date < @date OR (v.kind = 'opening' AND v.voucher_date < @date + interval '1 year'))
            GROUP BY 1
            """, new { bookCode, date = date.ToDateTime(TimeOnly.MinValue) }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Code, r => r.Bal);
    }
}
