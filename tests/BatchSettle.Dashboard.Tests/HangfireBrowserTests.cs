using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BatchSettle.Data.Infrastructure;
using Microsoft.Playwright;
using Xunit;

namespace BatchSettle.Dashboard.Tests;

/// <summary>
/// Both dashboards in a real headless Chromium, served by a real <c>batchsettle worker --dashboard</c> process that
/// settles through Hangfire: one login walks Hangfire's recurring jobs (trigger now), our overview (trigger a batch),
/// the run page live to the end, a partition job's page in Hangfire with that partition's progress and the link back
/// to its run, and the audit trail with both actions. Screenshots: docs/hangfire-*.png with BATCHSETTLE_SCREENSHOTS=docs.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class HangfireBrowserTests(DashboardFixture fixture)
{
    private const string Chromium = "/usr/bin/chromium";
    private const string User = "op";
    private const string Password = "s3cret-pass";

    [Fact]
    public async Task OneLogin_WalksHangfireAndSettlementPages_TriggerNow_PartitionJobProgress_RunToTheEnd_Audit()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium");
        await using var db = await fixture.NewLoadedDatabaseAsync(persons: 1_500, claims: 4_000, seed: 7);
        var port = FreePort();
        var site = $"http://127.0.0.1:{port}";
        using var worker = WorkerProcess.Start(db.ConnectionString!, Path.GetTempPath(), "browser", chunkPause: TimeSpan.FromMilliseconds(300), extraArgs:
        [
            "--dashboard",
            "--Dashboard:Urls=" + site,
            "--Dashboard:Users:0:Name=" + User,
            "--Dashboard:Users:0:Password=" + Password,
            "--Dashboard:AllowPlaintextPasswords=true",
            "--Dashboard:Users:0:Role=operator",
            "--Dashboard:SampleInterval=00:00:00.500",
            "--Dashboard:LiveInterval=00:00:00.500",
        ]);
        await WaitForSiteAsync(site, worker);

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
            HttpCredentials = new() { Username = User, Password = Password },
            ViewportSize = new() { Width = 1440, Height = 1000 },
        });
        // Our pages are in Chinese by default; this test reads their English (the language switch is tested in
        // DashboardUiBrowserTests).
        await context.AddInitScriptAsync("localStorage.setItem('batchsettle.lang', 'en')");
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);

        // Hangfire's recurring jobs: trigger the reconciler now (an operator sees the buttons).
        await page.GotoAsync(site + "/hangfire/recurring");
        await page.CheckAsync("input.js-jobs-list-checkbox[value='reconcile']");
        // Hangfire's script reloads the page when the command succeeds: wait for that reload, or the next navigation
        // races it and is aborted (net::ERR_ABORTED, seen once in four runs).
        var reloaded = page.WaitForResponseAsync(r => r.Request.IsNavigationRequest
            && r.Url.EndsWith("/hangfire/recurring", StringComparison.Ordinal));
        await page.ClickAsync("button.js-jobs-list-command[data-url$='/recurring/trigger']");
        await reloaded;
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.ScreenshotAsync(new() { Path = DocsPath("hangfire-recurring.png"), FullPage = true });
        // Its menu leads to our pages.
        await Assertions.Expect(page.Locator("a[href='/dashboard/#/runs']")).ToBeVisibleAsync();

        // Our overview: trigger the batch; it is queued through Hangfire.
        await page.GotoAsync(site + "/dashboard/");
        await page.FillAsync("#batch-id", DashboardFixture.Benxi);
        await page.ClickAsync("#trigger-batch");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("queued (job", new() { Timeout = 15_000 });

        // The run's page, live: its partitions link to their Hangfire jobs.
        await page.GotoAsync(site + "/dashboard/#/runs");
        await page.ClickAsync("#runs tbody a", new() { Timeout = 60_000 });
        var jobLink = page.Locator("#partitions a.job").First;
        await Assertions.Expect(jobLink).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.ScreenshotAsync(new() { Path = DocsPath("hangfire-run-page.png"), FullPage = true });
        var runUrl = page.Url;

        // A partition job's page in Hangfire: that partition's progress and the link to its run.
        await jobLink.ClickAsync();
        await Assertions.Expect(page.Locator("#batchsettle-progress")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#batchsettle-claims")).ToContainTextAsync(" of ");
        await page.ScreenshotAsync(new() { Path = DocsPath("hangfire-partition-job.png"), FullPage = true });
        await page.ClickAsync("#batchsettle-run-link");
        Assert.Equal(runUrl, page.Url);

        // The run page follows the run to its end without a reload.
        await Assertions.Expect(page.Locator("h1 .badge")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^succeeded"), new() { Timeout = 120_000 });
        await Assertions.Expect(page.Locator("h2 .badge.s-balanced")).ToBeVisibleAsync();

        // The audit trail: Hangfire's trigger now and our trigger, both by this operator.
        await page.GotoAsync(site + "/dashboard/#/audit");
        var audit = page.Locator("#audit tbody");
        await Assertions.Expect(audit).ToContainTextAsync("hangfire:recurring/trigger");
        await Assertions.Expect(audit).ToContainTextAsync("trigger batch");
        await Assertions.Expect(audit.Locator("tr").First).ToContainTextAsync(User);
        await page.ScreenshotAsync(new() { Path = DocsPath("hangfire-audit.png"), FullPage = true });
    }

    private static async Task WaitForSiteAsync(string site, WorkerProcess worker)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(worker.HasExited, worker.Tail());
            try
            {
                if ((await http.GetAsync(site + "/dashboard/")).StatusCode == HttpStatusCode.Unauthorized)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(500);
        }

        Assert.Fail("the worker's dashboard did not come up:\n" + worker.Tail());
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
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
