using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using BatchSettle.Data.Infrastructure;
using BatchSettle.Jobs;
using Dapper;
using Microsoft.Playwright;
using Xunit;

namespace BatchSettle.Dashboard.Tests;

/// <summary>
/// The session-4 pages in a real headless Chromium at 800 px wide, on a real dashboard and PostgreSQL with both March
/// batches settled: Chinese by default and English on the switch (remembered), the runs filters kept in the URL, the
/// quarantine filtered by reason and downloaded, a person's year reached from an explanation, and no page wider than
/// the window. Screenshots: docs/dashboard-800px.png, docs/dashboard-person.png, docs/dashboard-runs-filtered.png
/// (with BATCHSETTLE_SCREENSHOTS=docs).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardUiBrowserTests(DashboardFixture fixture)
{
    private const string Chromium = "/usr/bin/chromium";
    private const int Width = 800;

    [Fact]
    public async Task Pages_At800Px_LanguageFiltersQuarantineDownloadAndPersonYear()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium");
        await using var db = await fixture.NewLoadedDatabaseAsync(persons: 500, claims: 3_000, seed: 11);
        await using var factory = new DashboardFactory(db, chunkClaims: 500);
        var dashboard = DashboardHost.Addresses(factory.Services)[0];
        var site = new Uri(dashboard).GetLeftPart(UriPartial.Authority);

        // Both regions' March batches, settled through the API.
        using var http = new HttpClient { BaseAddress = new Uri(site) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{DashboardFactory.Operator}:{DashboardFactory.Password}")));
        var runIds = new Dictionary<string, long>();
        foreach (var batch in new[] { DashboardFixture.Benxi, DashboardFixture.Yingkou })
        {
            var request = DashboardFactory.Action($"/dashboard/api/batches/{batch}/trigger", origin: site);
            var outcome = await (await http.SendAsync(request)).Content.ReadFromJsonAsync<ActionOutcome>();
            Assert.True(outcome!.Accepted, outcome.Message);
            var started = outcome.RunId ?? (await http.GetFromJsonAsync<RunPage>($"/dashboard/api/runs?batch={batch}"))!.Items[0].RunId;
            Assert.StartsWith("succeeded", (await DashboardApiTests.WaitForEndAsync(http, started)).Live.Run.Status, StringComparison.Ordinal);
            runIds[batch] = started;
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            Timeout = 60_000,
        });
        await using var context = await browser.NewContextAsync(new()
        {
            HttpCredentials = new() { Username = DashboardFactory.Operator, Password = DashboardFactory.Password },
            ViewportSize = new() { Width = Width, Height = 1000 },
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);

        // Chinese by default; the switch turns the page English, and a reload keeps the choice.
        await page.GotoAsync(dashboard);
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Assertions.Expect(page.Locator("header nav a[data-nav=runs]")).ToHaveTextAsync("运行");
        await Assertions.Expect(page.Locator("#view h1")).ToHaveTextAsync("概览");
        await AssertFitsAsync(page, "overview (zh)");
        await page.ClickAsync("#lang");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Assertions.Expect(page.Locator("#view h1")).ToHaveTextAsync("Overview");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("header nav a[data-nav=runs]")).ToHaveTextAsync("Runs");
        await Assertions.Expect(page.Locator("#assumed-14d")).ToContainTextAsync("Settled with an assumed parameter (14 days)");
        await page.ClickAsync("#lang");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");

        // Runs: filter by region; the filter is in the URL, so the link (here a reload of it) keeps it.
        await page.GotoAsync(dashboard + "#/runs");
        await Assertions.Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(2);
        await page.SelectOptionAsync("#f-admdvs", "210800");
        await page.WaitForURLAsync(new Regex("admdvs=210800"));
        await Assertions.Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#runs tbody tr").First).ToContainTextAsync(DashboardFixture.Yingkou);
        var filteredUrl = page.Url;
        await page.GotoAsync("about:blank");
        await page.GotoAsync(filteredUrl);
        await Assertions.Expect(page.Locator("#f-admdvs")).ToHaveValueAsync("210800");
        await Assertions.Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(1);
        // Month and state combine with it; a month with no run lists none.
        await page.FillAsync("#f-month", "2025-02");
        await page.Locator("#f-month").DispatchEventAsync("change");
        await page.WaitForURLAsync(new Regex("month=2025-02"));
        await Assertions.Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#runs tbody")).ToContainTextAsync("没有运行");
        var benxiState = (await http.GetFromJsonAsync<RunDetail>($"/dashboard/api/runs/{runIds[DashboardFixture.Benxi]}"))!.Live.Run.Status;
        var sameState = (await http.GetFromJsonAsync<RunPage>($"/dashboard/api/runs?month=2025-03&status={benxiState}"))!.Items.Count;
        await page.GotoAsync(dashboard + $"#/runs?month=2025-03&status={benxiState}");
        await Assertions.Expect(page.Locator("#f-status")).ToHaveValueAsync(benxiState);
        await Assertions.Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(sameState);
        await AssertFitsAsync(page, "runs");
        await page.ScreenshotAsync(new() { Path = DocsPath("dashboard-runs-filtered.png"), FullPage = true });

        // A run's page: the assumed-parameter count, the quarantine filtered by reason and downloaded as CSV.
        var runId = runIds[DashboardFixture.Benxi];
        await page.GotoAsync(dashboard + $"#/runs/{runId}");
        await Assertions.Expect(page.Locator("#assumed")).ToContainTextAsync("假设参数");
        await Assertions.Expect(page.Locator("#quarantine tbody tr").First).ToBeVisibleAsync();
        var reasons = await page.Locator("#q-reason option").AllTextContentsAsync();
        Assert.True(reasons.Count >= 2, "at least one reason besides 'all'");
        var reason = await page.Locator("#q-reason option").Nth(1).GetAttributeAsync("value");
        await page.SelectOptionAsync("#q-reason", reason!);
        await page.WaitForURLAsync(new Regex("reason="));
        long ofReason;
        await using (var conn = await db.OpenConnectionAsync())
        {
            ofReason = await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM quarantine WHERE run_id = @runId AND reason = @reason", new { runId, reason });
        }

        await Assertions.Expect(page.Locator("#quarantine tbody tr")).ToHaveCountAsync((int)Math.Min(10, ofReason));
        var shown = await page.Locator("#quarantine tbody tr td:last-child").AllTextContentsAsync();
        Assert.All(shown, r => Assert.Equal(reason, r));
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#q-download"));
        Assert.Equal($"quarantine-run-{runId}.csv", download.SuggestedFilename);
        var path = await download.PathAsync();
        var lines = (await File.ReadAllLinesAsync(path!, Encoding.UTF8)).Where(l => l.Length > 0).ToList();
        Assert.Equal(DashboardStore.QuarantineCsvHeader, lines[0].TrimStart('\uFEFF'));
        Assert.Equal(ofReason, lines.Count - 1);

        await AssertFitsAsync(page, "run");
        await page.ScreenshotAsync(new() { Path = DocsPath("dashboard-800px.png"), FullPage = true });

        // A person's year, reached from a claim's explanation.
        string psnNo, setlId;
        long claims;
        await using (var conn = await db.OpenConnectionAsync())
        {
            (psnNo, claims) = await conn.QueryFirstAsync<(string, long)>(
                """
                SELECT psn_no, count(*) FROM settlement_result WHERE status = 'settled' AND year = 2025
                GROUP BY psn_no ORDER BY count(*) DESC, psn_no LIMIT 1
                """);
            setlId = await conn.ExecuteScalarAsync<string>(
                "SELECT setl_id FROM settlement_result WHERE psn_no = @psnNo AND status = 'settled' ORDER BY setl_id LIMIT 1", new { psnNo }) ?? "";
        }

        await page.GotoAsync(dashboard + $"#/explain/{setlId}");
        await Assertions.Expect(page.Locator("#explanation")).ToContainTextAsync("service start (begndate)");
        await page.ClickAsync("#person-link");
        await page.WaitForURLAsync(new Regex($"#/persons/{psnNo}/2025$"));
        await Assertions.Expect(page.Locator("#view h1")).ToContainTextAsync(psnNo);
        Assert.True(await page.Locator("#person-claims tbody tr").CountAsync() >= claims);
        await Assertions.Expect(page.Locator("#person-acc #stored .badge")).ToHaveClassAsync(new Regex("s-balanced"));
        await Assertions.Expect(page.Locator("#person-acc thead")).ToContainTextAsync("pool_paid");
        await AssertFitsAsync(page, "person");
        await page.ScreenshotAsync(new() { Path = DocsPath("dashboard-person.png"), FullPage = true });
        // The claim links back to its explanation.
        await page.Locator("#person-claims tbody a[href^='#/explain/']").First.ClickAsync();
        await Assertions.Expect(page.Locator("#explanation")).ToBeVisibleAsync();
        await AssertFitsAsync(page, "explain");
    }

    /// <summary>The page never scrolls sideways: wide tables scroll inside their own box.</summary>
    private static async Task AssertFitsAsync(IPage page, string what)
    {
        await page.WaitForTimeoutAsync(300);
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        var wide = scrollWidth <= Width ? "" : await page.EvaluateAsync<string>(
            """
            () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth && !e.closest('.scroll'))
              .slice(0, 8).map(e => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`).join('; ')
            """);
        Assert.True(scrollWidth <= Width, $"{what}: document scrollWidth {scrollWidth} > {Width}: {wide}");
    }

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
