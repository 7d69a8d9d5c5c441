using BatchSettle.Testing;
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
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
            Timeout = 60_000,
        });
        await using var context = await browser.NewContextAsync(new()
        {
            HttpCredentials = new() { Username = DashboardFactory.Operator, Password = DashboardFactory.Password },
            ViewportSize = new() { Width = 1280, Height = 900 },
        });
        // Our pages are in Chinese by default; this test reads their English (the switch: DashboardUiBrowserTests).
        await context.AddInitScriptAsync("localStorage.setItem('batchsettle.lang', 'en')");
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);

        // The runs list: the interrupted badge and the reason, once the dashboard host has seen the lease expire.
        var deadline = DateTime.UtcNow.AddSeconds(40);
        var row = page.Locator("#runs tbody tr").First;
        while (true)
        {
            await page.GotoAsync(dashboard + "#/runs");
            await Assertions.Expect(row).ToBeVisibleAsync();
            if ((await row.InnerTextAsync()).Contains("interrupted", StringComparison.Ordinal) || DateTime.UtcNow > deadline) break;
            await page.WaitForTimeoutAsync(500);
        }

        await Assertions.Expect(row.Locator(".badge.s-interrupted")).ToBeVisibleAsync();
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
