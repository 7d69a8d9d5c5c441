using BatchSettle.Testing;
using Dapper;
using Microsoft.Playwright;
using Xunit;

namespace BatchSettle.Dashboard.Tests;

/// <summary>
/// The interrupted state in a real headless Chromium (issue 13): a CLI run killed with SIGKILL shows on the runs list
/// and on its page as <c>interrupted</c> with the reason and the time; an operator resumes it with the Resume button and
/// it ends succeeded. The screenshot is docs/dashboard-interrupted.png with BATCHSETTLE_SCREENSHOTS=docs.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class InterruptedRunBrowserTests(DashboardFixture fixture)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task KilledRun_ShowsInterruptedWithReason_AndTheOperatorResumesIt()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium");
        var data = RunLeaseTests.Generate(persons: 3_000, claims: 24_000, seed: 21);
        await using var db = await fixture.NewDatabaseAsync();
        await RunLeaseTests.LoadAsync(db, data, asOf: null);
        await using var factory = new DashboardFactory(db, chunkClaims: 500);
        var dashboard = DashboardHost.Addresses(factory.Services)[0];
        var (runId, _) = await RunLeaseTests.StartAndKillAsync(db);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await EnglishPageAsync(browser, DashboardFactory.Operator, new() { Width = 1280, Height = 900 });

        // The runs list, opened once while the killed run still shows running: it draws itself again while a run is
        // running (app.js, runs), so the interrupted badge and the reason arrive without a reload once the dashboard
        // host has seen the lease expire (lease 4 s, checked every 0.5 s; the minute is for a loaded CI machine).
        await page.GotoAsync(dashboard + "#/runs");
        var row = page.Locator("#runs tbody tr").First;
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator(".badge.s-interrupted")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(row).ToContainTextAsync("stopped renewing its lease");

        // The run's page: reason and time, the Resume button; resumed, it ends succeeded.
        await page.ClickAsync("#runs tbody a");
        await Assertions.Expect(page.Locator("h1 .badge")).ToHaveTextAsync("interrupted");
        await Assertions.Expect(page.Locator("#interruption")).ToContainTextAsync("stopped renewing its lease");
        await page.ScreenshotAsync(new() { Path = DocsPath("dashboard-interrupted.png"), FullPage = true });
        page.Dialog += async (_, d) => await d.AcceptAsync();
        await page.ClickAsync("button:has-text('Resume')");
        await Assertions.Expect(page.Locator("h1 .badge")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^succeeded"), new() { Timeout = 180_000 });
        await Assertions.Expect(page.Locator("#interruption")).ToContainTextAsync("stopped renewing its lease");
        await page.ScreenshotAsync(new() { Path = DocsPath("dashboard-resumed.png"), FullPage = true });

        await page.GotoAsync(dashboard + "#/audit");
        await Assertions.Expect(page.Locator("#audit tbody tr").First).ToContainTextAsync("resume run");
        Assert.True(runId > 0);
    }

    [Fact]
    public async Task RunsList_DrawsItselfAgainWhileARunIsRunning_SoAnEndShowsWithoutAReload()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium");
        await using var db = await fixture.NewDatabaseAsync();
        await using var factory = new DashboardFactory(db);
        var dashboard = DashboardHost.Addresses(factory.Services)[0];
        long runId;
        await using (var conn = await db.OpenConnectionAsync())
        {
            // A running run whose lease is good for an hour: only its status changing below ends it.
            runId = await conn.ExecuteScalarAsync<long>(
                """
                INSERT INTO run (batch_id, status, partitions, requested_by, created_at, started_at, lease_owner, lease_renewed_at, lease_expires_at)
                VALUES (@b, 'running', 1, 'test', now(), now(), 'test', now(), now() + interval '1 hour') RETURNING run_id
                """, new { b = DashboardFixture.Benxi });
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await EnglishPageAsync(browser, DashboardFactory.Viewer, viewport: null);
        var navigations = 0;
        page.FrameNavigated += (_, f) => { if (f == page.MainFrame) navigations++; };

        await page.GotoAsync(dashboard + "#/runs");
        var row = page.Locator("#runs tbody tr").First;
        await Assertions.Expect(row.Locator(".badge.s-running")).ToBeVisibleAsync();
        var before = navigations;

        await using (var conn = await db.OpenConnectionAsync())
        {
            await conn.ExecuteAsync("UPDATE run SET status = 'failed', finished_at = now(), error = 'ended by the test' WHERE run_id = @runId", new { runId });
        }

        await Assertions.Expect(row.Locator(".badge.s-failed")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(row).ToContainTextAsync("ended by the test");
        Assert.Equal(before, navigations);
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = Chromium,
        Headless = true,
        Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
        Timeout = 60_000,
    });

    /// <summary>A page logged in as <paramref name="user"/> (closed with the browser). Our pages are in Chinese by
    /// default; these tests read their English (the switch: DashboardUiBrowserTests).</summary>
    private static async Task<IPage> EnglishPageAsync(IBrowser browser, string user, ViewportSize? viewport)
    {
        var context = await browser.NewContextAsync(new()
        {
            HttpCredentials = new() { Username = user, Password = DashboardFactory.Password },
            ViewportSize = viewport,
        });
        await context.AddInitScriptAsync("localStorage.setItem('batchsettle.lang', 'en')");
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return page;
    }

    private static string DocsPath(string file)
    {
        var root = BatchSettle.Data.Infrastructure.Checkout.FindRoot(AppContext.BaseDirectory) ?? Path.GetTempPath();
        var dir = Environment.GetEnvironmentVariable("BATCHSETTLE_SCREENSHOTS") == "docs"
            ? Path.Combine(root, "docs")
            : Path.Combine(root, ".data", "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, file);
    }
}
