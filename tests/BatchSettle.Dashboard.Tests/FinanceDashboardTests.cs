using System.Net;
using System.Net.Http.Json;
using System.Text;
using BatchSettle.Data.Finance;
using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Runs;
using BatchSettle.Jobs;
using Dapper;
using Microsoft.Playwright;
using Npgsql;
using Xunit;

namespace BatchSettle.Dashboard.Tests;

/// <summary>
/// The finance page (issue 14 item 6) and its API: periods per region, a period's statements, clearings, outstanding,
/// trial balances, downloads by file name, and the period close for the finance role (audited, refused to others and to
/// requests without the action header or from another origin). The browser test walks it in headless Chromium and takes
/// docs/dashboard-finance.png (with BATCHSETTLE_SCREENSHOTS=docs).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class FinanceDashboardTests(DashboardFixture fixture)
{
    private const string Chromium = "/usr/bin/chromium";
    private const string March = "2025-03";
    private const string A = "210500";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    /// <summary>Loads and settles a small Benxi March and posts opening balances for two books.</summary>
    private static async Task<NpgsqlDataSource> SettledMarchAsync(DashboardFixture fixture, int claims)
    {
        var db = await fixture.NewLoadedDatabaseAsync(persons: claims / 4, claims: claims, seed: 11);
        var summary = await new BatchRunner(db, TimeProvider.System).RunBatchAsync(DashboardFixture.Benxi, new BatchRunOptions());
        Assert.True(summary.Succeeded, summary.Format());
        var opening = await new OpeningBalances(db, TimeProvider.System).PostAsync(March,
        [
            new OpeningLine(2, A, "390100", "1004", null, 500_000_000, 0), new OpeningLine(3, A, "390100", "3001", null, 0, 500_000_000),
            new OpeningLine(4, A, "310100", "1004", null, 300_000_000, 0), new OpeningLine(5, A, "310100", "3001", null, 0, 300_000_000),
        ], "test", "tester");
        Assert.True(opening.Posted, string.Join("; ", opening.Problems));
        return db;
    }

    [Fact]
    public async Task Api_FinanceRoleClosesAPeriod_OthersRefused_DownloadsOnlyByListedName()
    {
        await using var db = await SettledMarchAsync(fixture, 1_200);
        await using var factory = new DashboardFactory(db);
        using var viewer = factory.ClientAs(DashboardFactory.Viewer);
        using var op = factory.ClientAs(DashboardFactory.Operator);
        using var fin = factory.ClientAs(DashboardFactory.Finance);

        var periods = await viewer.GetFromJsonAsync<List<PeriodInfo>>("/dashboard/api/finance/periods");
        Assert.Contains(periods!, p => p.Admdvs == A && p.Period == March && p.Status == "open");
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/dashboard/api/finance/210500/2031-01")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/dashboard/api/finance/999999/months")).StatusCode);

        string close = $"/dashboard/api/finance/{A}/{March}/close";
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.SendAsync(DashboardFactory.Action(close))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.SendAsync(DashboardFactory.Action(close))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fin.SendAsync(DashboardFactory.Action(close, header: false))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fin.SendAsync(DashboardFactory.Action(close, origin: "https://evil.example"))).StatusCode);
        var closed = await fin.SendAsync(DashboardFactory.Action(close));
        var outcome = await closed.Content.ReadFromJsonAsync<ActionOutcome>();
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Contains("closed", outcome!.Message, StringComparison.Ordinal);
        var again = await fin.SendAsync(DashboardFactory.Action(close));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already closed", (await again.Content.ReadFromJsonAsync<ActionOutcome>())!.Message, StringComparison.Ordinal);
        await using (var conn = await db.OpenConnectionAsync())
        {
            Assert.Equal(("closed", "fin"), await conn.QuerySingleAsync<(string, string)>(
                "SELECT status, closed_by FROM accounting_period WHERE admdvs = @A AND period = @March", new { A, March }));
            Assert.Equal(1, await conn.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM audit_action WHERE action = 'period close' AND actor = 'fin' AND outcome = 'closed' AND target = '210500 2025-03'"));
        }

        // Downloads: only the listed names of an existing period; the statements CSV carries a BOM and the contract's field names.
        string files = $"/dashboard/api/finance/{A}/{March}/files/";
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync(files + "secrets.xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync(files + "..%2F..%2Fappsettings.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync($"/dashboard/api/finance/{A}/2031-01/files/{A}-2031-01-statements.csv")).StatusCode);
        var csv = await viewer.GetAsync(files + $"{A}-{March}-statements.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal($"{A}-{March}-statements.csv", csv.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.StartsWith("定点医药机构编号 (fixmedins_code),", text, StringComparison.Ordinal);
        Assert.Contains("应拨付金额 (net_to_pay)", text, StringComparison.Ordinal);
        var issued = await Statements.IssuedAsync(db, A, March);
        Assert.Equal(issued.Count + 1, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        var xlsx = await viewer.GetAsync(files + $"{A}-{March}-390100-trial-balance.xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal("PK"u8.ToArray(), (await xlsx.Content.ReadAsByteArrayAsync())[..2]);
    }

    [Fact]
    public async Task Browser_FinanceUserClosesMarch_ViewsStatementsAndDownloadsOne()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium");
        await using var db = await SettledMarchAsync(fixture, 2_000);
        await using var factory = new DashboardFactory(db);
        var dashboard = DashboardHost.Addresses(factory.Services)[0];

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs, Timeout = 60_000 });
        await using var context = await browser.NewContextAsync(new()
        {
            HttpCredentials = new() { Username = DashboardFactory.Finance, Password = DashboardFactory.Password },
            ViewportSize = new() { Width = 1440, Height = 1100 },
            AcceptDownloads = true,
        });
        // Our pages are in Chinese by default; this test reads their English (the switch: DashboardUiBrowserTests).
        await context.AddInitScriptAsync("localStorage.setItem('batchsettle.lang', 'en')");
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };

        // The periods of Benxi: March open, provisional statements; the finance user may close it.
        await page.GotoAsync(dashboard + "#/finance");
        await Assertions.Expect(page.Locator("#me")).ToContainTextAsync("fin · finance");
        var marchRow = page.Locator("#periods tbody tr[data-period='2025-03']");
        try
        {
            await Assertions.Expect(marchRow).ToContainTextAsync("open", new() { Timeout = 60_000 });
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException("page errors: " + string.Join(" | ", errors), e);
        }

        await Assertions.Expect(page.Locator("#period-title")).ToContainTextAsync("provisional");
        await page.ClickAsync("#periods button.close-period[data-period='2025-03']");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("closed:", new() { Timeout = 60_000 });
        await Assertions.Expect(marchRow).ToContainTextAsync("closed");
        await Assertions.Expect(marchRow).ToContainTextAsync("fin");
        await Assertions.Expect(marchRow).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\+8"));
        await Assertions.Expect(page.Locator("#period-title")).ToContainTextAsync("issued at close");

        // Statements: the totals row equals the issued statements; searching by facility narrows them.
        var issued = await Statements.IssuedAsync(db, A, March);
        Assert.NotEmpty(issued);
        await Assertions.Expect(page.Locator("#net-to-pay-total")).ToHaveTextAsync(Money(issued.Sum(s => s.NetToPay)));
        string facility = issued[0].Facility;
        await page.FillAsync("#facility-search", facility);
        var rows = page.Locator("#statements tbody tr:not(.total):not(.more)");
        await Assertions.Expect(rows).ToHaveCountAsync(issued.Count(s => s.Facility.Contains(facility, StringComparison.OrdinalIgnoreCase)));
        await Assertions.Expect(page.Locator("#net-to-pay-total")).ToHaveTextAsync(
            Money(issued.Where(s => s.Facility.Contains(facility, StringComparison.OrdinalIgnoreCase)).Sum(s => s.NetToPay)));
        await page.ScreenshotAsync(new() { Path = DocsPath("dashboard-finance-statements.png"), FullPage = true });

        // A download by its file name: the statements workbook.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync($"#downloads a[download='{A}-{March}-statements.xlsx']"));
        Assert.Equal($"{A}-{March}-statements.xlsx", download.SuggestedFilename);
        string saved = Path.Combine(Path.GetTempPath(), $"finance-test-{Guid.NewGuid():N}.xlsx");
        await download.SaveAsAsync(saved);
        try
        {
            Assert.Equal("PK"u8.ToArray(), (await File.ReadAllBytesAsync(saved))[..2]);
        }
        finally
        {
            File.Delete(saved);
        }

        // April: half of March paid (vouchers in the residents' and employees' books), the rest outstanding and aging.
        var clearing = new Clearing(db, TimeProvider.System);
        var owed = (await clearing.OutstandingAsync(A, FundBooks.PeriodEnd(March))).Where(l => l.Outstanding > 0).ToList();
        var pay = owed.Take((owed.Count + 1) / 2).Select((l, i) => new PaymentIn(l.Facility, l.ClearingMonth, l.FundPayType, l.DueNow,
            new DateOnly(2025, 4, 15), $"APR-{i:D4}")).Where(p => p.Amount > 0).ToList();
        Assert.All(await clearing.RecordPaymentsAsync(A, pay, "test", "tester"), o => Assert.True(o.Recorded, o.Message));
        await page.GotoAsync(dashboard + "#/finance?admdvs=210500&period=2025-04");
        await Assertions.Expect(page.Locator("#clearings tbody tr").First).ToContainTextAsync("APR-");
        await Assertions.Expect(page.Locator("#clearings tbody tr").First).ToContainTextAsync("2025-04-15");
        await Assertions.Expect(page.Locator("#outstanding tbody tr:not(.total)").First).ToContainTextAsync("2025-03");
        await Assertions.Expect(page.Locator(".tb[data-book='210500-390100'] h3 .badge.s-balanced")).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(500);
        await page.ScreenshotAsync(new() { Path = DocsPath("dashboard-finance.png"), FullPage = true });
    }

    private static string Money(long fen) =>
        (fen < 0 ? "-" : "") + (Math.Abs(fen) / 100).ToString("#,##0", System.Globalization.CultureInfo.InvariantCulture) + "." + (Math.Abs(fen) % 100).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

    private static string DocsPath(string file)
    {
        var root = Checkout.FindRoot(AppContext.BaseDirectory) ?? Path.GetTempPath();
        var dir = Environment.GetEnvironmentVariable("BATCHSETTLE_SCREENSHOTS") == "docs"
            ? Path.Combine(root, "docs")
            : Path.Combine(root, ".data", "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, file);
    }
}
