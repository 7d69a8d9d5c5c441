using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Simulation;
using Microsoft.Playwright;
using Xunit;

namespace BatchSettle.Dashboard.Tests;

/// <summary>
/// Issue 15: the simulations page in a real headless Chromium. A batch is run for real, a simulation of its region-year
/// under a draft (Benxi tertiary deductible 800 → 600, pooled cap 80,000 → 100,000 in 2025) is made with the library
/// the CLI uses, and the page lists it and shows its report: fund table, the decile chart (SVG), alerts, the baseline
/// against real results and the top claims' step diffs. The screenshot is docs/dashboard-simulation.png with
/// BATCHSETTLE_SCREENSHOTS=docs (else .data/screenshots).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class SimulationBrowserTests(DashboardFixture fixture)
{
    private const string Chromium = "/usr/bin/chromium";

    private const string Draft =
        """
        id,rule_id,key,qualifier,admdvs,insutype,value,unit,effective_from,effective_to,provenance,citation,note
        100001,BX-IP-01,ip.dedc,tertiary,210500,390,60000,fen,2025-01-01,2025-12-31,assumed,hypothetical 2025 notice (costing only),draft: tertiary deductible 800 → 600
        100002,BX-IP-05,pool.cap,,210500,,10000000,fen,2025-01-01,2025-12-31,assumed,hypothetical 2025 notice (costing only),draft: pooled cap 80000 → 100000

        """;

    [Fact]
    public async Task SimulationPage_ListsTheSimulation_AndShowsItsReportWithTheDecileChart()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium");
        await using var db = await fixture.NewLoadedDatabaseAsync(persons: 2_000, claims: 8_000, seed: 11);
        var run = await new BatchRunner(db, TimeProvider.System).RunBatchAsync(DashboardFixture.Benxi, new BatchRunOptions { Partitions = 2 });
        Assert.True(run.Succeeded, run.Format());
        long simId = await new Simulator(db, TimeProvider.System).RunAsync(
            new SimulationRequest("210500", 2025, Draft, "draft-benxi-2025.csv") { Name = "Benxi 2025: deductible 600, cap 100,000", Partitions = 2 });

        await using var factory = new DashboardFactory(db);
        var dashboard = DashboardHost.Addresses(factory.Services)[0];
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
            HttpCredentials = new() { Username = DashboardFactory.Viewer, Password = DashboardFactory.Password },
            ViewportSize = new() { Width = 1440, Height = 1100 },
        });
        // Our pages are in Chinese by default; this test reads their English (the switch: DashboardUiBrowserTests).
        await context.AddInitScriptAsync("localStorage.setItem('batchsettle.lang', 'en')");
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };

        await page.GotoAsync(dashboard);
        await page.ClickAsync("#nav-simulations");
        try
        {
            await Assertions.Expect(page.Locator("#simulations tbody tr").First).ToContainTextAsync("Benxi 2025: deductible 600");
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException($"{e.Message}\npage: {await page.InnerTextAsync("main")}\nconsole: {string.Join("; ", errors)}", e);
        }
        await page.ClickAsync($"#simulations a[href='#/simulations/{simId}']");

        await Assertions.Expect(page.Locator("#sim-funds")).ToContainTextAsync("basic pooled fund");
        await Assertions.Expect(page.Locator("#sim-total b")).ToContainTextAsync("+¥");
        // Ten deciles and min: eleven bars, drawn as SVG (the CSP allows no inline style).
        await Assertions.Expect(page.Locator("#sim-deciles rect")).ToHaveCountAsync(11);
        await Assertions.Expect(page.Locator("#sim-real")).ToContainTextAsync("0 differ");
        await Assertions.Expect(page.Locator("#sim-top .panel").First).ToContainTextAsync("→");
        await Assertions.Expect(page.Locator("#sim-top")).ToContainTextAsync("pool.cap=10000000");
        Assert.Empty(errors);
        var root = Checkout.FindRoot(AppContext.BaseDirectory) ?? Path.GetTempPath();
        var dir = Environment.GetEnvironmentVariable("BATCHSETTLE_SCREENSHOTS") == "docs" ? Path.Combine(root, "docs") : Path.Combine(root, ".data", "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "dashboard-simulation.png"), FullPage = true });
    }
}
