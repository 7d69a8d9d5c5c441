using System.Globalization;
using BatchSettle.Core.Money;
using BatchSettle.Data.Export;
using BatchSettle.Data.Finance;
using BatchSettle.Data.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Cli;

/// <summary>
/// The finance verbs (issue 14): period list/close, payments, advance pay/return/offset, year-end, statements,
/// outstanding, report, finance-export. Every verb naming a period refuses one that does not exist (exit 1).
/// </summary>
internal static class FinanceCommand
{
    private static string Actor => Environment.UserName;

    public static async Task<int> PeriodAsync(CliArgs a, TextWriter o, TextWriter e, TimeProvider time, CancellationToken ct)
    {
        string sub = a.Positional.Count == 1 ? a.Positional[0] : throw new UsageException("period needs 'list' or 'close'");
        if (sub == "list")
        {
            string? admdvs = a.Get("admdvs");
            bool listJson = a.Flag("json");
            a.EnsureAllUsed(maxPositional: 1);
            await using var ds = await BatchSettleDatabase.OpenAsync(e, ct);
            var list = await new Periods(ds, time).ListAsync(admdvs, ct);
            if (listJson)
            {
                CliApp.WriteJson(o, new { periods = list });
                return 0;
            }
            if (list.Count == 0) o.WriteLine("no accounting periods yet (a period exists once something is posted in it)");
            foreach (var p in list)
                o.WriteLine($"{p.Admdvs} {p.Period} {p.Status}{(p.ClosedAt is { } at ? $" at {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC by {p.ClosedBy}" : "")}");
            return 0;
        }
        if (sub != "close") throw new UsageException($"period: unknown sub-command '{sub}' (list, close)");
        string admdvs2 = a.Required("admdvs");
        string period = a.Required("period");
        bool json = a.Flag("json");
        a.EnsureAllUsed(maxPositional: 1);
        await using var ds2 = await BatchSettleDatabase.OpenAsync(e, ct);
        var r = await new Periods(ds2, time).CloseAsync(admdvs2, period, Actor, ct);
        if (json)
        {
            CliApp.WriteJson(o, new { closed = r.Closed, alreadyClosed = r.AlreadyClosed, report = r.Format(), result = r });
            return r.Closed || r.AlreadyClosed ? 0 : 1;
        }
        if (!r.Closed && !r.AlreadyClosed)
        {
            e.Write(r.Format());
            return 1;
        }
        o.Write(r.Format());
        return 0;
    }

    public static async Task<int> PaymentsAsync(CliArgs a, TextWriter o, TextWriter e, TimeProvider time, CancellationToken ct)
    {
        string admdvs = a.Required("admdvs");
        string file = a.Required("file");
        bool json = a.Flag("json");
        a.EnsureAllUsed();
        FundBooks.CheckAdmdvs(admdvs);
        if (!File.Exists(file)) throw new FinanceException($"{file}: file not found");
        var (rows, bad) = Clearing.ReadFile(file);
        await using var ds = await BatchSettleDatabase.OpenAsync(Console.Error, ct);
        var outcomes = await new Clearing(ds, time).RecordPaymentsAsync(admdvs, rows, Path.GetFileName(file), Actor, ct);
        if (json)
        {
            CliApp.WriteJson(o, new { file, refusedRows = bad.Select(b => b.Message), outcomes });
            return bad.Count + outcomes.Count(x => !x.Recorded) == 0 ? 0 : 1;
        }
        foreach (var b in bad) e.WriteLine($"REFUSED {b.Message}");
        foreach (var x in outcomes.Where(x => !x.Recorded)) e.WriteLine($"REFUSED {x.Message}");
        foreach (var x in outcomes.Where(x => x.Overpaid > 0)) e.WriteLine($"FLAGGED {x.Message}");
        var ok = outcomes.Where(x => x.Recorded).ToList();
        o.WriteLine($"{file}: {ok.Count} payments recorded ({FenMath.FormatYuan(ok.Sum(x => x.Applied + x.Overpaid))} yuan, of which overpaid {FenMath.FormatYuan(ok.Sum(x => x.Overpaid))}), " +
            $"{bad.Count + outcomes.Count(x => !x.Recorded)} refused");
        return bad.Count + outcomes.Count(x => !x.Recorded) == 0 ? 0 : 1;
    }

    /// <summary><c>opening-balances --period YYYY-MM --file F</c>: the fund books' opening balances (Data/Finance/OpeningBalances).</summary>
    public static async Task<int> OpeningBalancesAsync(CliArgs a, TextWriter o, TextWriter e, TimeProvider time, CancellationToken ct)
    {
        string period = a.Required("period");
        string file = a.Required("file");
        a.EnsureAllUsed();
        FundBooks.PeriodStart(period);
        if (!File.Exists(file)) throw new FinanceException($"{file}: file not found");
        var (lines, bad) = OpeningBalances.ReadFile(file);
        if (bad.Count > 0)
        {
            foreach (var b in bad) e.WriteLine($"{file}: {b}");
            e.WriteLine($"{file}: {bad.Count} problems; nothing posted");
            return 1;
        }
        await using var ds = await BatchSettleDatabase.OpenAsync(o, ct);
        var r = await new OpeningBalances(ds, time).PostAsync(period, lines, Path.GetFileName(file), Actor, ct);
        foreach (var p in r.Problems) e.WriteLine($"{file}: {p}");
        if (!r.Posted)
        {
            e.WriteLine($"{file}: {r.Problems.Count} problems; nothing posted");
            return 1;
        }
        foreach (var (book, voucher, total) in r.Vouchers) o.WriteLine($"{book} {period}: opening balances posted, voucher {voucher}, {FenMath.FormatYuan(total)} yuan each side");
        return 0;
    }

    public static async Task<int> AdvanceAsync(CliArgs a, TextWriter o, TimeProvider time, CancellationToken ct)
    {
        string sub = a.Positional.Count == 1 ? a.Positional[0] : throw new UsageException("advance needs 'pay', 'return' or 'offset'");
        string admdvs = a.Required("admdvs");
        string facility = a.Required("facility");
        long amount = Yuan(a.Required("amount"), "amount");
        var date = Date(a.Required("date"), "date");
        bool json = a.Flag("json");
        await using var ds = await BatchSettleDatabase.OpenAsync(Console.Error, ct);
        var c = new Clearing(ds, time);
        long v;
        switch (sub)
        {
            case "pay":
            case "return":
            {
                string fund = a.Required("fund");
                string bankRef = a.Required("bank-ref");
                a.EnsureAllUsed(maxPositional: 1);
                v = sub == "pay" ? await c.PayAdvanceAsync(admdvs, facility, fund, amount, date, bankRef, Actor, ct)
                                 : await c.ReturnAdvanceAsync(admdvs, facility, fund, amount, date, bankRef, Actor, ct);
                break;
            }
            case "offset":
            {
                string period = a.Required("period");
                string fpt = a.Required("fund-pay-type");
                a.EnsureAllUsed(maxPositional: 1);
                v = await c.OffsetAdvanceAsync(admdvs, facility, period, fpt, amount, date, Actor, ct);
                break;
            }
            default:
                throw new UsageException($"advance: unknown sub-command '{sub}' (pay, return, offset)");
        }
        if (json) CliApp.WriteJson(o, new { advance = sub, facility, amountFen = amount, voucher = v });
        else o.WriteLine($"advance {sub} {facility} {FenMath.FormatYuan(amount)}: voucher {v}");
        return 0;
    }

    public static async Task<int> YearEndAsync(CliArgs a, TextWriter o, TimeProvider time, CancellationToken ct)
    {
        string admdvs = a.Required("admdvs");
        string y = a.Required("year");
        var date = Date(a.Required("date"), "date");
        string? keepFile = a.Get("keep");
        bool json = a.Flag("json");
        a.EnsureAllUsed();
        if (!int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out int year)) throw new UsageException($"--year must be a year, got '{y}'");
        var keep = new Dictionary<(string, string), long>();
        if (keepFile is not null)
        {
            // fixmedins_code,fund_pay_type,kept (yuan): what the assessment keeps of each facility's deposit.
            foreach (var (line, i) in File.ReadAllLines(keepFile).Skip(1).Select((l, i) => (l, i + 2)).Where(x => x.l.Length > 0))
            {
                var f = line.Split(',');
                if (f.Length != 3 || !FenMath.TryParseYuan(f[2], out long kept)) throw new FinanceException($"{keepFile} line {i}: expected fixmedins_code,fund_pay_type,kept");
                keep[(f[0], f[1])] = kept;
            }
        }
        await using var ds = await BatchSettleDatabase.OpenAsync(Console.Error, ct);
        var r = await new Clearing(ds, time).YearEndAsync(admdvs, year, keep, date, Actor, ct);
        if (json)
        {
            CliApp.WriteJson(o, new { admdvs, year, deposits = r });
            return 0;
        }
        o.WriteLine($"year-end clearing {admdvs} {year}: quality deposit per facility and fund (yuan)");
        o.WriteLine($"  {"facility",-12}{"fund",-8}{"withheld",16}{"released",16}{"kept",16}");
        foreach (var x in r) o.WriteLine($"  {x.Facility,-12}{x.Fpt,-8}{FenMath.FormatYuan(x.Withheld),16}{FenMath.FormatYuan(x.Released),16}{FenMath.FormatYuan(x.Kept),16}");
        o.WriteLine("released deposits are now due: pay them with `batchsettle payments`");
        return 0;
    }

    public static async Task<int> StatementsAsync(CliArgs a, TextWriter o, TimeProvider time, CancellationToken ct)
    {
        string admdvs = a.Required("admdvs");
        string period = a.Required("period");
        string? facility = a.Get("facility");
        string? xlsx = a.Get("xlsx");
        bool json = a.Flag("json");
        a.EnsureAllUsed();
        await using var ds = await BatchSettleDatabase.OpenAsync(Console.Error, ct);
        var p = await new Periods(ds, time).RequireAsync(admdvs, period, ct);
        var lines = (await Statements.ForPeriodAsync(ds, admdvs, period, ct)).Where(s => facility is null || s.Facility == facility).ToList();
        if (facility is not null && lines.Count == 0) throw new FinanceException($"facility {facility} has nothing on the {admdvs} {period} statements");
        if (json)
        {
            long n = xlsx is null ? 0 : await new FinanceExporter(ds).StatementsAsync(admdvs, period, xlsx, facility, ct);
            CliApp.WriteJson(o, new { admdvs, period, status = p.Status, lines, xlsx, xlsxLines = n });
            return 0;
        }
        o.WriteLine($"定点医疗机构月度结算单 {admdvs} {period} ({(p.Status == "closed" ? "issued at close" : "provisional: the period is open")}), yuan");
        int w = Math.Max(10, lines.Count == 0 ? 0 : lines.Max(s => s.Facility.Length) + 2);
        o.WriteLine($"  {"facility".PadRight(w)}{"fund",-8}{"group",-5}{"claims",8}{"medfee",16}{"fund",16}{"reversed",14}{"refused",14}{"quarant.",14}{"deposit",14}{"advance",14}{"net to pay",16}");
        foreach (var s in lines)
        {
            o.WriteLine($"  {s.Facility.PadRight(w)}{s.FundPayType,-8}{s.MedGroup,-4}{s.Claims,8}{Y(s.MedfeeSumamt),16}{Y(s.FundAmount),16}{Y(s.ReversalAmount),14}{Y(s.RefusedAmount),14}" +
                $"{Y(s.QuarantinedAmount),14}{Y(s.Deposit),14}{Y(s.AdvanceOffset),14}{Y(s.NetToPay),16}");
        }
        o.WriteLine($"  {"total".PadRight(w + 8)}{"",-4}{lines.Sum(s => s.Claims),8}{"",16}{Y(lines.Sum(s => s.FundAmount)),16}{"",14}{"",14}{"",14}{Y(lines.Sum(s => s.Deposit)),14}{Y(lines.Sum(s => s.AdvanceOffset)),14}{Y(lines.Sum(s => s.NetToPay)),16}");
        if (xlsx is not null) o.WriteLine($"{xlsx}: {await new FinanceExporter(ds).StatementsAsync(admdvs, period, xlsx, facility, ct)} statement lines");
        return 0;
    }

    public static async Task<int> OutstandingAsync(CliArgs a, TextWriter o, TimeProvider time, CancellationToken ct)
    {
        string admdvs = a.Required("admdvs");
        string period = a.Required("period");
        string? xlsx = a.Get("xlsx");
        bool json = a.Flag("json");
        a.EnsureAllUsed();
        await using var ds = await BatchSettleDatabase.OpenAsync(Console.Error, ct);
        await new Periods(ds, time).RequireAsync(admdvs, period, ct);
        var asOf = FundBooks.PeriodEnd(period);
        var lines = (await new Clearing(ds, time).OutstandingAsync(admdvs, asOf, null, ct)).Where(l => l.Outstanding != 0).ToList();
        if (json)
        {
            long n = xlsx is null ? 0 : await new FinanceExporter(ds).OutstandingAsync(admdvs, asOf, xlsx, ct);
            CliApp.WriteJson(o, new { admdvs, period, asOf, lines, xlsx, xlsxLines = n });
            return 0;
        }
        o.WriteLine($"outstanding owed to facilities, {admdvs}, as of {asOf:yyyy-MM-dd} (settled and not yet paid), yuan");
        int w = Math.Max(10, lines.Count == 0 ? 0 : lines.Max(l => l.Facility.Length) + 2);
        o.WriteLine($"  {"facility".PadRight(w)}{"fund",-8}{"month",-9}{"owed",16}{"cleared",16}{"outstanding",16}{"deposit",14}{"due now",16}{"age days",9}");
        foreach (var l in lines)
            o.WriteLine($"  {l.Facility.PadRight(w)}{l.FundPayType,-8}{l.ClearingMonth,-9}{Y(l.Owed),16}{Y(l.Cleared),16}{Y(l.Outstanding),16}{Y(l.DepositUndecided),14}{Y(l.DueNow),16}{l.AgeDays,9}");
        o.WriteLine($"  {"total".PadRight(w + 17)}{"",16}{"",16}{Y(lines.Sum(l => l.Outstanding)),16}{Y(lines.Sum(l => l.DepositUndecided)),14}{Y(lines.Sum(l => l.DueNow)),16}");
        if (xlsx is not null) o.WriteLine($"{xlsx}: {await new FinanceExporter(ds).OutstandingAsync(admdvs, asOf, xlsx, ct)} lines");
        return 0;
    }

    public static async Task<int> ReportAsync(CliArgs a, TextWriter o, TimeProvider time, CancellationToken ct)
    {
        string kind = a.Positional.Count == 1 ? a.Positional[0] : throw new UsageException("report needs 'trial-balance', 'balance-sheet' or 'income'");
        string admdvs = a.Required("admdvs");
        string period = a.Required("period");
        string? fund = a.Get("fund");
        string? xlsx = a.Get("xlsx");
        bool json = a.Flag("json");
        a.EnsureAllUsed(maxPositional: 1);
        if (kind is not ("trial-balance" or "balance-sheet" or "income")) throw new UsageException($"report: unknown report '{kind}'");
        if (xlsx is not null && fund is null) throw new UsageException("report --xlsx needs --fund (one book per file)");
        await using var ds = await BatchSettleDatabase.OpenAsync(Console.Error, ct);
        await new Periods(ds, time).RequireAsync(admdvs, period, ct);
        var reports = new Reports(ds);
        var books = fund is null ? await reports.BooksAsync(admdvs, ct) : [admdvs + "-" + fund];
        if (json)
        {
            var all = new List<object>();
            foreach (var book in books)
            {
                if (kind == "trial-balance")
                {
                    var tb = await reports.TrialBalanceAsync(book, period, ct);
                    if (xlsx is not null) FinanceExporter.TrialBalance(tb, xlsx);
                    all.Add(new { book, report = tb, debits = tb.Totals.Item1, credits = tb.Totals.Item2 });
                }
                else
                {
                    var r = kind == "income" ? await reports.IncomeStatementAsync(book, period, ct) : await reports.BalanceSheetAsync(book, period, ct);
                    if (xlsx is not null) FinanceExporter.Report(r, xlsx);
                    all.Add(new { book, report = r });
                }
            }

            CliApp.WriteJson(o, new { kind, admdvs, period, books = all, xlsx });
            return 0;
        }
        foreach (var book in books)
        {
            if (kind == "trial-balance")
            {
                var tb = await reports.TrialBalanceAsync(book, period, ct);
                o.WriteLine($"科目余额表 {tb.BookName} ({book}) {period}, yuan");
                o.WriteLine($"  {"code",-8}{"name",-24}{"opening",16}{"debits",16}{"credits",16}{"closing",16}");
                foreach (var l in tb.Lines) o.WriteLine($"  {l.Code,-8}{l.NameZh,-24}{Y(l.Opening),16}{Y(l.Debits),16}{Y(l.Credits),16}{Y(l.Closing),16}");
                var (d, c) = tb.Totals;
                o.WriteLine($"  {"total",-32}{"",16}{Y(d),16}{Y(c),16}{(d == c ? "" : "  DIFFERENCE"),16}");
                if (xlsx is not null) FinanceExporter.TrialBalance(tb, xlsx);
            }
            else
            {
                var r = kind == "income" ? await reports.IncomeStatementAsync(book, period, ct) : await reports.BalanceSheetAsync(book, period, ct);
                o.WriteLine($"{r.Title} ({r.FormNo}) {r.BookName} ({book}) {period}, yuan");
                o.WriteLine($"  {"",-28}{r.CurrentHeader,16}{r.ComparisonHeader,16}{(r.HasPriorMonth ? "上月数" : ""),16}{(r.HasPriorYear ? "上年同期累计" : ""),16}");
                foreach (var l in r.Lines)
                    o.WriteLine($"  {l.Label,-28}{Y(l.Current),16}{Y(l.Comparison),16}{(l.PriorMonth is { } pm ? Y(pm) : ""),16}{(l.PriorYear is { } py ? Y(py) : ""),16}");
                if (xlsx is not null) FinanceExporter.Report(r, xlsx);
            }
        }
        if (xlsx is not null) o.WriteLine($"written {xlsx}");
        return 0;
    }

    /// <summary>Every finance workbook of a region and period into a folder; prints the paths.</summary>
    public static async Task<int> ExportAsync(CliArgs a, TextWriter o, TimeProvider time, CancellationToken ct)
    {
        string admdvs = a.Required("admdvs");
        string period = a.Required("period");
        string dir = a.Required("out");
        bool json = a.Flag("json");
        a.EnsureAllUsed();
        await using var ds = await BatchSettleDatabase.OpenAsync(Console.Error, ct);
        await new Periods(ds, time).RequireAsync(admdvs, period, ct);
        Directory.CreateDirectory(dir);
        var x = new FinanceExporter(ds);
        var reports = new Reports(ds);
        string P(string name) => Path.Combine(dir, $"{admdvs}-{period}-{name}.xlsx");
        var real = o;
        if (json) o = TextWriter.Null;
        o.WriteLine($"{P("statements")}: {await x.StatementsAsync(admdvs, period, P("statements"), null, ct)} statement lines (定点医疗机构月度结算单)");
        o.WriteLine($"{P("subledger")}: {await x.SubLedgerAsync(admdvs, period, P("subledger"), ct)} sub-ledger lines");
        o.WriteLine($"{P("vouchers")}: {await x.VouchersAsync(admdvs, period, P("vouchers"), ct)} voucher lines");
        o.WriteLine($"{P("outstanding")}: {await x.OutstandingAsync(admdvs, FundBooks.PeriodEnd(period), P("outstanding"), ct)} outstanding lines");
        foreach (var book in await reports.BooksAsync(admdvs, ct))
        {
            string fund = book[7..];
            FinanceExporter.TrialBalance(await reports.TrialBalanceAsync(book, period, ct), P($"{fund}-trial-balance"));
            FinanceExporter.Report(await reports.BalanceSheetAsync(book, period, ct), P($"{fund}-balance-sheet"));
            FinanceExporter.Report(await reports.IncomeStatementAsync(book, period, ct), P($"{fund}-income"));
            o.WriteLine($"{P($"{fund}-*")}: 科目余额表, 会社保01表, 会社保02表 of book {book}");
        }

        if (json) CliApp.WriteJson(real, new { admdvs, period, files = Directory.GetFiles(dir, $"{admdvs}-{period}-*.xlsx").Order(StringComparer.Ordinal) });
        return 0;
    }

    private static string Y(long fen) => FenMath.FormatYuan(fen);

    private static long Yuan(string s, string name) =>
        FenMath.TryParseYuan(s, out long fen) ? fen : throw new UsageException($"--{name} must be yuan with at most two decimals, got '{s}'");

    private static DateOnly Date(string s, string name) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw new UsageException($"--{name} must be YYYY-MM-DD, got '{s}'");
}
