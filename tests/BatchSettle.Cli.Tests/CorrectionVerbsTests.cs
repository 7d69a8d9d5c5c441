using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using BatchSettle.Data.Embedded;
using BatchSettle.Data.Infrastructure;
using Xunit;

namespace BatchSettle.Cli.Tests;

/// <summary>
/// The verbs of issue 11 item 5, as real <c>batchsettle</c> processes against a private PostgreSQL:
/// <c>run</c>'s "zero-claim resets: N" line, <c>export --zero-claim-resets</c> per batch and per run (CI-06), and
/// <c>subsidies --reverse / --repost</c> (PS-01 corrections) with their guards. The amounts are hand-computed in
/// BatchSettle.Data.Tests (ZeroClaimResetExportTests, SubsidyCorrectionTests); here: the command line, exit codes and
/// files. ZR: Benxi resident 2025 with 2 banked zero-claim years and a 2,000,000-yuan admission (its 大病 payment
/// uses incentive cap → one reset). YE: Yingkou resident 2024 holding E: subsidy 228.00.
/// </summary>
public sealed class CorrectionVerbsTests : IAsyncLifetime
{
    private const string Batch = "210500-2025-03";
    private readonly string dir = Directory.CreateTempSubdirectory("bs-cli-verbs-").FullName;
    // Not created here: the embedded server hands its folder to the service user (a 0700 temp folder would lock it out).
    private readonly string pgDir = Path.Combine(Path.GetTempPath(), "bs-cli-verbs-pg-" + Guid.NewGuid().ToString("N")[..12]);
    private EmbeddedPostgres? pg;
    private string conn = "";

    public async Task InitializeAsync()
    {
        pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDir = pgDir, Durable = false });
        await using var ds = await pg.CreateMigratedDatabaseAsync("cliverbs");
        conn = pg.ConnectionString("cliverbs");
    }

    public async Task DisposeAsync()
    {
        if (pg is not null) await pg.StopAsync();
        foreach (var d in new[] { dir, pgDir })
        {
            try { Directory.Delete(d, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private Task<(int Code, string Out, string Err)> CliAsync(params string[] args) =>
        WorkerProcess.RunCliAsync(dir, new Dictionary<string, string> { [BatchSettleDatabase.EnvVar] = conn }, args, TimeSpan.FromMinutes(3));

    private string Write(string name, params string[] lines)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public async Task ZeroClaimResets_AndSubsidyCorrections_ThroughTheCommandLine()
    {
        string persons = Write("persons.csv",
            "psn_no,admdvs,insutype,brdy,year,enrol_kind,paid_date,prev_cover_end,broken_years,repaired_years,continuous_years,zero_claim_years,large_amount_paid_date,hardship,assistance_subsidised",
            "ZR,210500,390,1960-05-01,2025,centralised,2024-12-01,,0,0,5,2,,,false",
            "YE,210800,390,1960-05-01,2024,centralised,2023-12-01,,0,0,5,0,,E:2023-01-01,false");
        string claims = Write("claims.csv",
            "batch_id,setl_id,psn_no,admdvs,insutype,med_type,fixmedins_code,hosp_lv,fac_kind,designated,setting,in_province,transfer_from_lv,begndate,enddate,bed_days,dise_codg,special_dise,excl_cause,emergency,approved,medfee_sumamt,fulamt_ownpay_amt,overlmt_selfpay,preselfpay_amt,inscp_scp_amt,reversal_of",
            $"{Batch},ZR1,ZR,210500,390,21,H001,3,general,true,local,true,,2025-03-10,2025-03-10,5,I10,,,false,false,2000000.00,0.00,0,0,2000000.00,");
        var load = await CliAsync("load", "--persons", persons, "--claims", claims);
        Assert.True(load.Code == 0, load.Out + load.Err);

        var run = await CliAsync("run", "--batch", Batch);
        Assert.True(run.Code == 0, run.Out + run.Err);
        Assert.Contains("zero-claim resets: 1\n", run.Out, StringComparison.Ordinal);
        string runId = Regex.Match(run.Out, @"run (\d+) batch").Groups[1].Value;
        Assert.NotEqual("", runId);

        const string Expected = "psn_no,year,insutype,setl_id,date,action\nZR,2025,390,ZR1,2025-03-10,reset\n";
        string byBatch = Path.Combine(dir, "z-batch.csv"), byRun = Path.Combine(dir, "z-run.csv");
        var e1 = await CliAsync("export", "--batch", Batch, "--zero-claim-resets", byBatch);
        Assert.True(e1.Code == 0, e1.Out + e1.Err);
        Assert.Contains("1 zero-claim resets", e1.Out, StringComparison.Ordinal);
        Assert.Equal(Expected, await File.ReadAllTextAsync(byBatch));
        var e2 = await CliAsync("export", "--run", runId, "--zero-claim-resets", byRun);
        Assert.True(e2.Code == 0, e2.Out + e2.Err);
        Assert.Equal(Expected, await File.ReadAllTextAsync(byRun));
        var e3 = await CliAsync("export", "--run", "999999999", "--zero-claim-resets", Path.Combine(dir, "none.csv"));
        Assert.Equal(1, e3.Code);
        Assert.Contains("no run 999999999", e3.Err, StringComparison.Ordinal);
        Assert.Equal(2, (await CliAsync("export", "--run", runId, "--results", Path.Combine(dir, "r.csv"))).Code);

        var post = await CliAsync("subsidies", "--year", "2024", "--admdvs", "210800");
        Assert.True(post.Code == 0, post.Out + post.Err);
        var early = await CliAsync("subsidies", "--repost", "--psn", "YE", "--year", "2024");
        Assert.Equal(1, early.Code);
        Assert.Contains("reverse it first", early.Err, StringComparison.Ordinal);
        Assert.Equal(2, (await CliAsync("subsidies", "--reverse", "--psn", "YE", "--year", "2024")).Code); // no --reason
        var rev = await CliAsync("subsidies", "--reverse", "--psn", "YE", "--year", "2024", "--reason", "identity was T");
        Assert.True(rev.Code == 0, rev.Out + rev.Err);
        Assert.Contains("reversed red-ink", rev.Out, StringComparison.Ordinal);
        Assert.Contains("-228.00", rev.Out, StringComparison.Ordinal);
        var twice = await CliAsync("subsidies", "--reverse", "--psn", "YE", "--year", "2024", "--reason", "again");
        Assert.Equal(1, twice.Code);
        Assert.Contains("already reversed", twice.Err, StringComparison.Ordinal);
        var nobody = await CliAsync("subsidies", "--reverse", "--psn", "NOBODY", "--year", "2024", "--reason", "x");
        Assert.Equal(1, nobody.Code);
        Assert.Contains("no premium subsidy is posted for NOBODY in 2024", nobody.Err, StringComparison.Ordinal);
        var repost = await CliAsync("subsidies", "--repost", "--psn", "YE", "--year", "2024");
        Assert.True(repost.Code == 0, repost.Out + repost.Err);
        Assert.Contains("reposted as posting 2: E, 228.00", repost.Out, StringComparison.Ordinal);
        var rec = await CliAsync("reconcile", "--subsidies", "--year", "2024", "--admdvs", "210800");
        Assert.True(rec.Code == 0, rec.Out + rec.Err);
        // --json in the shape of reconcile --batch's: one document on stdout.
        var recJson = await CliAsync("reconcile", "--subsidies", "--year", "2024", "--admdvs", "210800", "--json");
        Assert.True(recJson.Code == 0, recJson.Out + recJson.Err);
        using var doc = System.Text.Json.JsonDocument.Parse(recJson.Out);
        Assert.True(doc.RootElement.GetProperty("balanced").GetBoolean());
        Assert.Equal(2024, doc.RootElement.GetProperty("year").GetInt32());
        Assert.Equal(0, doc.RootElement.GetProperty("differences").GetArrayLength());
    }
}
