using System.Globalization;
using System.Security.Claims;
using BatchSettle.Data.Export;
using BatchSettle.Data.Finance;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace BatchSettle.Dashboard;

/// <summary>A fund book's trial balance (科目余额表) as the finance page shows it; money fen.</summary>
internal sealed record BookBalance(string BookCode, string BookName, IReadOnlyList<TrialBalanceLine> Lines, long TotalDebits, long TotalCredits);

/// <summary>Everything the finance page shows for one region and period.</summary>
internal sealed record FinancePeriodView(
    PeriodInfo Period,
    bool StatementsIssued,
    IReadOnlyList<BookBalance> Books,
    IReadOnlyList<StatementLine> Statements,
    IReadOnlyList<ClearingRecord> Clearings,
    IReadOnlyList<OutstandingLine> Outstanding,
    string OutstandingAsOf,
    IReadOnlyList<string> Files);

/// <summary>
/// The finance page's API under <c>/dashboard/api/finance</c> (issue 14 item 6): periods per region, one period's trial
/// balances, statements, clearings (payments), outstanding owed, per-fund months for the charts, downloads by file name
/// (XLSX built on request, CSV for the statements), and the period close. Reads need the viewer policy; the close needs
/// the finance role and passes the <see cref="SameOriginFilter"/>; <see cref="Periods.CloseAsync"/> audits it.
/// </summary>
internal static class FinanceApi
{
    private static readonly string[] Regions = ["210500", "210800"];

    public static void MapFinanceApi(this RouteGroupBuilder api)
    {
        var finance = api.MapGroup("/finance");
        finance.MapGet("/periods", GetPeriods);
        finance.MapGet("/{admdvs}/months", GetMonths);
        finance.MapGet("/{admdvs}/{period}", GetPeriod);
        finance.MapGet("/{admdvs}/{period}/files/{file}", GetFile);
        finance.MapPost("/{admdvs}/{period}/close", ClosePeriod)
            .RequireAuthorization(DashboardRoles.FinancePolicy).AddEndpointFilter<SameOriginFilter>();
    }

    /// <summary>The file names a period offers, in the order the page lists them.</summary>
    public static List<string> FileNames(string admdvs, string period)
    {
        string p = $"{admdvs}-{period}";
        var files = new List<string> { $"{p}-statements.xlsx", $"{p}-statements.csv", $"{p}-outstanding.xlsx", $"{p}-subledger.xlsx", $"{p}-vouchers.xlsx" };
        foreach (var fund in new[] { "310100", "330100", "390100", "610100" })
        {
            files.Add($"{p}-{fund}-trial-balance.xlsx");
            files.Add($"{p}-{fund}-balance-sheet.xlsx");
            files.Add($"{p}-{fund}-income.xlsx");
        }
        return files;
    }

    private static async Task<Ok<List<PeriodInfo>>> GetPeriods(NpgsqlDataSource db, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(await new Periods(db, time).ListAsync(null, ct));

    private static async Task<Results<Ok<List<FundMonth>>, NotFound<string>>> GetMonths(string admdvs, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!Regions.Contains(admdvs)) return TypedResults.NotFound($"unknown region {admdvs}");
        return TypedResults.Ok(await FinanceViews.FundMonthsAsync(db, admdvs, ct));
    }

    private static async Task<Results<Ok<FinancePeriodView>, NotFound<string>>> GetPeriod(string admdvs, string period, NpgsqlDataSource db,
        TimeProvider time, CancellationToken ct)
    {
        PeriodInfo p;
        try
        {
            p = await new Periods(db, time).RequireAsync(admdvs, period, ct);
        }
        catch (FinanceException e)
        {
            return TypedResults.NotFound(e.Message);
        }

        var reports = new Reports(db);
        var books = new List<BookBalance>();
        foreach (var book in await reports.BooksAsync(admdvs, ct))
        {
            var tb = await reports.TrialBalanceAsync(book, period, ct);
            var (d, c) = tb.Totals;
            books.Add(new BookBalance(tb.BookCode, tb.BookName, tb.Lines, d, c));
        }

        var issued = await Statements.IssuedAsync(db, admdvs, period, ct);
        var statements = issued.Count > 0 ? issued : await Statements.ForPeriodAsync(db, admdvs, period, ct);
        var asOf = FundBooks.PeriodEnd(period);
        var outstanding = (await new Clearing(db, time).OutstandingAsync(admdvs, asOf, null, ct)).Where(l => l.Outstanding != 0).ToList();
        return TypedResults.Ok(new FinancePeriodView(p, issued.Count > 0, books, statements, await FinanceViews.ClearingsAsync(db, admdvs, period, ct),
            outstanding, asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), FileNames(admdvs, period)));
    }

    /// <summary>
    /// A download by its name: only the names <see cref="FileNames"/> lists for an existing period resolve (nothing of
    /// the file system is reachable); the workbook is written to a temporary file, streamed, and deleted on close.
    /// </summary>
    private static async Task<Results<FileStreamHttpResult, NotFound<string>>> GetFile(string admdvs, string period, string file,
        NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        try
        {
            await new Periods(db, time).RequireAsync(admdvs, period, ct);
        }
        catch (FinanceException e)
        {
            return TypedResults.NotFound(e.Message);
        }

        if (!FileNames(admdvs, period).Contains(file, StringComparer.Ordinal)) return TypedResults.NotFound($"no file {file} for {admdvs} {period}");
        string kind = file[(admdvs.Length + period.Length + 2)..];
        string tmp = Path.Combine(Path.GetTempPath(), $"batchsettle-{Guid.NewGuid():N}{Path.GetExtension(file)}");
        var exporter = new FinanceExporter(db);
        var reports = new Reports(db);
        switch (kind)
        {
            case "statements.xlsx": await exporter.StatementsAsync(admdvs, period, tmp, null, ct); break;
            case "statements.csv": await exporter.StatementsCsvAsync(admdvs, period, tmp, ct); break;
            case "outstanding.xlsx": await exporter.OutstandingAsync(admdvs, FundBooks.PeriodEnd(period), tmp, ct); break;
            case "subledger.xlsx": await exporter.SubLedgerAsync(admdvs, period, tmp, ct); break;
            case "vouchers.xlsx": await exporter.VouchersAsync(admdvs, period, tmp, ct); break;
            default:
            {
                string book = admdvs + "-" + kind[..6];
                string report = kind[7..];
                if (report == "trial-balance.xlsx") FinanceExporter.TrialBalance(await reports.TrialBalanceAsync(book, period, ct), tmp);
                else if (report == "balance-sheet.xlsx") FinanceExporter.Report(await reports.BalanceSheetAsync(book, period, ct), tmp);
                else FinanceExporter.Report(await reports.IncomeStatementAsync(book, period, ct), tmp);
                break;
            }
        }

        var stream = new FileStream(tmp, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.DeleteOnClose);
        string type = file.EndsWith(".csv", StringComparison.Ordinal)
            ? "text/csv; charset=utf-8"
            : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        return TypedResults.Stream(stream, type, file);
    }

    private static async Task<Results<Ok<ActionOutcome>, Conflict<ActionOutcome>, NotFound<string>>> ClosePeriod(string admdvs, string period,
        NpgsqlDataSource db, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        var actor = Actor.From(user);
        CloseResult r;
        try
        {
            r = await new Periods(db, time).CloseAsync(admdvs, period, actor.Name, ct);
        }
        catch (FinanceException e)
        {
            return TypedResults.NotFound(e.Message);
        }

        string message = r.Format().TrimEnd().Replace("\n  ", "; ", StringComparison.Ordinal).Replace(":\n", ": ", StringComparison.Ordinal);
        return r.Closed ? TypedResults.Ok(new ActionOutcome(true, message)) : TypedResults.Conflict(new ActionOutcome(false, message));
    }
}
