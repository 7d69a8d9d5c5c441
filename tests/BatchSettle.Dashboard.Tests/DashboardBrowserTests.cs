using System.Globalization;
using BatchSettle.Data.Infrastructure;
using Microsoft.Playwright;
using Xunit;

namespace BatchSettle.Dashboard.Tests;

/// <summary>
/// The dashboard in a real headless Chromium (Debian's <c>chromium</c> package, driven by Playwright; no browser is
/// downloaded): an operator triggers a batch from the page, watches its progress move live, and the run ends balanced.
/// The screenshots it takes are the ones the README shows (docs/dashboard.png, docs/dashboard-finished.png) when run
/// with BATCHSETTLE_SCREENSHOTS=docs.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBrowserTests(DashboardFixture fixture)
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    [Fact]
    public async Task Dashboard_OperatorTriggersBatch_SeesProgressMoveAndTheRunEndBalanced()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium");
        await using var db = await fixture.NewLoadedDatabaseAsync(persons: 6_000, claims: 40_000, seed: 42);
        // Paced so the run lasts long enough for the page to see progress move, whatever the machine's speed: once the
        // runner got faster, 100-claim chunks finished the 40k claims before the run page opened (progress read 100
        // from the first sample), and tiny chunks only trade that for a run whose length depends on commit latency.
        // 200 chunks of 200 claims, 2 partitions at a time, 100 ms after each commit: about 10 s plus the settling.
        await using var factory = new DashboardFactory(db, chunkClaims: 200, chunkPauseMs: 100);
        var dashboard = DashboardHost.Addresses(factory.Services)[0];

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
        await using var context = await browser.NewContextAsync(new()
        {
            HttpCredentials = new() { Username = DashboardFactory.Operator, Password = DashboardFactory.Password },
            ViewportSize = new() { Width = 1440, Height = 1100 },
        });
        // Our pages are in Chinese by default; this test reads their English (the language switch is tested in
        // DashboardUiBrowserTests).
        await context.AddInitScriptAsync("localStorage.setItem('batchsettle.lang', 'en')");
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);

        // Overview: the operator's name and role, then the trigger action.
        await page.GotoAsync(dashboard);
        await Assertions.Expect(page.Locator("#me")).ToContainTextAsync("op · operator");
        await page.FillAsync("#batch-id", DashboardFixture.Benxi);
        await page.ClickAsync("#trigger-batch");
        // The launcher answers with the run it started, or "is starting" when the run row takes longer than its answer
        // window to commit (a loaded 2-core machine); both are success, the runs list below proves the run exists.
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync(
            new System.Text.RegularExpressions.Regex("started|is starting"), new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#view table tbody tr").First).ToContainTextAsync(DashboardFixture.Benxi, new() { Timeout = 30_000 });
        await page.WaitForTimeoutAsync(1_500);
        await page.ScreenshotAsync(new() { Path = DocsPath("dashboard-overview.png"), FullPage = true });

        // Runs list, then the run's page.
        await page.GotoAsync(dashboard + "#/runs");
        await page.ClickAsync("#runs tbody a");
        var overall = page.Locator(".big.bar");
        await Assertions.Expect(overall).ToBeVisibleAsync();

        // Progress moves without a reload (server-sent events).
        var seen = new List<double>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            seen.Add(double.Parse(await overall.GetAttributeAsync("aria-valuenow") ?? "0", CultureInfo.InvariantCulture));
            if (seen.Distinct().Count(v => v is > 0 and < 100) >= 2)
            {
                break;
            }

            await Task.Delay(150);
        }

        Assert.True(seen.Distinct().Count(v => v is > 0 and < 100) >= 2, $"progress did not move: {string.Join(", ", seen)}");
        Assert.Equal(seen.Order(), seen);
        await Assertions.Expect(page.Locator("#partitions tbody tr")).ToHaveCountAsync(4);
        await page.WaitForTimeoutAsync(600);
        await page.ScreenshotAsync(new() { Path = DocsPath("dashboard.png"), FullPage = true });

        // The run ends; its books balance and the page says so, still without a reload.
        await Assertions.Expect(page.Locator("h1 .badge")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^succeeded"), new() { Timeout = 120_000 });
        await Assertions.Expect(page.Locator("#reconciliation")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("h2 .badge.s-balanced")).ToBeVisibleAsync();
        Assert.Equal("100.0", await overall.GetAttributeAsync("aria-valuenow"));
        await page.ScreenshotAsync(new() { Path = DocsPath("dashboard-finished.png"), FullPage = true });

        // The audit page names who did it.
        await page.GotoAsync(dashboard + "#/audit");
        await Assertions.Expect(page.Locator("#audit tbody tr").First).ToContainTextAsync("trigger batch");
        await Assertions.Expect(page.Locator("#audit tbody tr").First).ToContainTextAsync(DashboardFactory.Operator);
    }

    // Screenshots go to .data/screenshots (ignored) so a test run leaves the tree clean; with
    // BATCHSETTLE_SCREENSHOTS=docs they refresh the README's docs/*.png instead.
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
