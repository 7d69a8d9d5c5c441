using System.Diagnostics;
using System.Text;
using System.Text.Json;
using BatchSettle.Data.Embedded;
using BatchSettle.Data.Infrastructure;
using Xunit;

namespace BatchSettle.Cli.Tests;

/// <summary>
/// The System.CommandLine CLI (issue 13 items 1 and 5) as real <c>batchsettle</c> processes against a private
/// PostgreSQL: <c>--help</c> starts nothing (no database, no host), typos and unknown options exit 2, <c>--json</c>
/// output parses (load, run, reconcile, explain, status, params list), the run's breakdown counts a small hand-made
/// batch exactly, and <c>trigger --wait</c> follows a real worker's run to its end and exits with its result.
/// The batch 210500-2025-03: P1 (Benxi resident) one settled claim; E1 (Benxi employee) two tertiary admissions
/// settled with BX-EMP-01's assumed inpatient parameters (POLICY.md §6.2, params 26–31 "assumed"); R1, P1 claiming as
/// an employee (P1 has only a resident row): rejected EL-01; N1 for a person with no registry row and Q1 whose parts
/// do not add up to medfee_sumamt: quarantined by the claim validator. P1A's critical-illness step cites CI-03's
/// assumed ci.ratio, so three settlements used an assumed parameter.
/// </summary>
public sealed class CliProcessTests : IAsyncLifetime
{
    private const string Batch = "210500-2025-03";
    private readonly string dir = Directory.CreateTempSubdirectory("bs-cli-proc-").FullName;
    // Not created here: the embedded server hands its folder to the service user (a 0700 temp folder would lock it out).
    private readonly string pgDir = Path.Combine(Path.GetTempPath(), "bs-cli-proc-pg-" + Guid.NewGuid().ToString("N")[..12]);
    private EmbeddedPostgres? pg;
    private string conn = "";

    public async Task InitializeAsync()
    {
        pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDir = pgDir, Durable = false });
        await using var ds = await pg.CreateMigratedDatabaseAsync("cliproc");
        conn = pg.ConnectionString("cliproc");
    }

    public async Task DisposeAsync()
    {
        if (pg is not null) await pg.StopAsync();
        foreach (var d in new[] { dir, pgDir })
        {
            try { Directory.Delete(d, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private Task<(int Code, string Out, string Err)> CliOnAsync(string? db, string[] args) =>
        // Without a database (db null) a verb that tried to open one would start an embedded server under dir/.data —
        // pointing it at a closed port makes any such attempt fail loudly instead.
        WorkerProcess.RunCliAsync(dir, new Dictionary<string, string>
        {
            [BatchSettleDatabase.EnvVar] = db ?? "Host=127.0.0.1;Port=1;Username=nobody;Password=x;Timeout=2",
            ["BATCHSETTLE_PROGRESS_SECONDS"] = "1",
        }, args, TimeSpan.FromMinutes(4));

    private Task<(int Code, string Out, string Err)> CliAsync(params string[] args) => CliOnAsync(conn, args);

    /// <summary>With no reachable database.</summary>
    private Task<(int Code, string Out, string Err)> CliNoDbAsync(params string[] args) => CliOnAsync(null, args);

    private string Write(string name, params string[] lines)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        return path;
    }

    private async Task LoadBatchAsync()
    {
        string persons = Write("persons.csv",
            "psn_no,admdvs,insutype,brdy,year,enrol_kind,paid_date,prev_cover_end,broken_years,repaired_years,continuous_years,zero_claim_years,large_amount_paid_date,hardship,assistance_subsidised",
            "P1,210500,390,1960-05-01,2025,centralised,2024-12-01,,0,0,5,0,,,false",
            "E1,210500,310,1975-05-01,2025,centralised,2024-12-01,,0,0,5,0,,,false");
        const string C = "batch_id,setl_id,psn_no,admdvs,insutype,med_type,fixmedins_code,hosp_lv,fac_kind,designated,setting,in_province,transfer_from_lv,begndate,enddate,bed_days,dise_codg,special_dise,excl_cause,emergency,approved,medfee_sumamt,fulamt_ownpay_amt,overlmt_selfpay,preselfpay_amt,inscp_scp_amt,reversal_of";
        string claims = Write("claims.csv", C,
            $"{Batch},P1A,P1,210500,390,21,H1,3,general,true,local,true,,2025-03-10,2025-03-12,2,I10,,,false,false,10000.00,0,0,0,10000.00,",
            $"{Batch},E1A,E1,210500,310,21,H1,3,general,true,local,true,,2025-03-05,2025-03-08,3,I10,,,false,false,10000.00,0,0,0,10000.00,",
            $"{Batch},E1B,E1,210500,310,21,H1,3,general,true,local,true,,2025-03-20,2025-03-22,2,I10,,,false,false,5000.00,0,0,0,5000.00,",
            $"{Batch},N1,NOBODY,210500,390,21,H1,3,general,true,local,true,,2025-03-10,2025-03-10,1,I10,,,false,false,500.00,0,0,0,500.00,",
            $"{Batch},R1,P1,210500,310,21,H1,3,general,true,local,true,,2025-03-11,2025-03-11,1,I10,,,false,false,500.00,0,0,0,500.00,",
            $"{Batch},Q1,P1,210500,390,21,H1,3,general,true,local,true,,2025-03-15,2025-03-15,1,I10,,,false,false,100.00,0,0,0,50.00,");
        var load = await CliAsync("load", "--persons", persons, "--claims", claims, "--json");
        Assert.True(load.Code == 0, load.Out + load.Err);
        using var doc = JsonDocument.Parse(load.Out);
        var files = doc.RootElement.GetProperty("loaded");
        Assert.Equal(2, files.GetArrayLength());
        Assert.Equal(2, files[0].GetProperty("inserted").GetInt32());
        Assert.Equal(6, files[1].GetProperty("inserted").GetInt32());
    }

    [Fact]
    public async Task Help_StartsNothing_AndUsageErrorsExitTwo()
    {
        // No reachable database: --help must not need one (a worker or dashboard would fail to start, a run to connect).
        foreach (var verb in new[] { "load", "run", "worker", "dashboard", "trigger", "status", "params list", "explain", "reconcile", "period close" })
        {
            var r = await CliNoDbAsync([.. verb.Split(' '), "--help"]);
            Assert.True(r.Code == 0, $"{verb}: {r.Code} {r.Err}");
            Assert.Contains("Example:", r.Out, StringComparison.Ordinal);
            Assert.Equal("", r.Err);
        }

        Assert.False(Directory.Exists(Path.Combine(dir, ".data")), "a --help started an embedded database");
        var typo = await CliNoDbAsync("trigger", "--bach", Batch);
        Assert.Equal(2, typo.Code);
        Assert.Contains("--batch", typo.Err, StringComparison.Ordinal);
        Assert.Equal("", typo.Out);
        var unknown = await CliNoDbAsync("status", "--frobnicate");
        Assert.Equal(2, unknown.Code);
        var version = await CliNoDbAsync("--version");
        Assert.Equal(0, version.Code);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Out);
    }

    [Fact]
    public async Task Json_Outputs_Parse_AndTheBreakdownCountsTheHandMadeBatch()
    {
        await LoadBatchAsync();

        var run = await CliAsync("run", "--batch", Batch, "--partitions", "2", "--parallelism", "1", "--json");
        Assert.True(run.Code == 0, run.Out + run.Err);
        using (var doc = JsonDocument.Parse(run.Out))
        {
            var summary = doc.RootElement.GetProperty("summary");
            Assert.Equal("succeeded_with_quarantine", summary.GetProperty("status").GetString());
            Assert.Equal(6, summary.GetProperty("claims").GetInt64());
            Assert.Equal(3, summary.GetProperty("settled").GetInt64());
            Assert.Equal(1, summary.GetProperty("rejected").GetInt64());
            Assert.Equal(2, summary.GetProperty("quarantined").GetInt64());
            Assert.Equal(3, summary.GetProperty("assumedParams").GetInt64());
            var breakdown = doc.RootElement.GetProperty("breakdown");
            var rejected = breakdown.GetProperty("rejected");
            Assert.Equal(1, rejected.GetArrayLength());
            Assert.Equal("EL-01", rejected[0].GetProperty("reason").GetString());
            Assert.Equal(1, rejected[0].GetProperty("count").GetInt64());
            // Reasons without the claim's values: the two quarantines are two reasons, one each.
            var quarantined = breakdown.GetProperty("quarantined").EnumerateArray()
                .Select(q => (q.GetProperty("reason").GetString(), q.GetProperty("count").GetInt64())).OrderBy(q => q.Item1, StringComparer.Ordinal).ToList();
            Assert.Equal(
                [("medfee_sumamt: medfee_sumamt N <> fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt = N", 1L),
                 ("psn_no: unknown person '…': no staging_person row", 1L)],
                quarantined);
            // Both employee admissions used BX-EMP-01's assumed tertiary deductible and ratio; P1A CI-03's ratio.
            var assumed = breakdown.GetProperty("assumed").EnumerateArray()
                .Select(a => (a.GetProperty("key").GetString(), a.GetProperty("ruleId").GetString(), a.GetProperty("count").GetInt64())).ToList();
            Assert.Equal(
                [("ip.dedc/tertiary", "BX-EMP-01", 2L), ("ip.ratio/tertiary", "BX-EMP-01", 2L), ("ci.ratio", "CI-03", 1L)],
                assumed);
        }

        // The text summary explains itself the same way.
        var again = await CliAsync("run", "--batch", Batch);
        Assert.True(again.Code == 0, again.Out + again.Err);
        Assert.Contains("already succeeded", again.Out, StringComparison.Ordinal);
        Assert.Contains("rejected by reason:", again.Out, StringComparison.Ordinal);
        Assert.Contains("EL-01", again.Out, StringComparison.Ordinal);
        Assert.Contains("ip.ratio/tertiary (BX-EMP-01)", again.Out, StringComparison.Ordinal);

        var rec = await CliAsync("reconcile", "--batch", Batch, "--json");
        Assert.True(rec.Code == 0, rec.Out + rec.Err);
        using (var doc = JsonDocument.Parse(rec.Out))
        {
            Assert.True(doc.RootElement.GetProperty("balanced").GetBoolean());
        }

        var explain = await CliAsync("explain", "E1A", "--json");
        Assert.True(explain.Code == 0, explain.Out + explain.Err);
        using (var doc = JsonDocument.Parse(explain.Out))
        {
            Assert.Equal("settled", doc.RootElement.GetProperty("status").GetString());
            Assert.True(doc.RootElement.GetProperty("assumedParams").GetBoolean());
            Assert.Contains("BX-EMP-01", doc.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
        }

        var missing = await CliAsync("explain", "NOPE", "--json");
        Assert.Equal(1, missing.Code);

        var plist = await CliAsync("params", "list", "--rule", "BX-EMP-01", "--at", "2025-03-01", "--admdvs", "210500", "--json");
        Assert.True(plist.Code == 0, plist.Out + plist.Err);
        using (var doc = JsonDocument.Parse(plist.Out))
        {
            var ps = doc.RootElement.GetProperty("parameters").EnumerateArray().ToList();
            Assert.Contains(ps, p => p.GetProperty("id").GetInt32() == 27 && p.GetProperty("provenance").GetString() == "assumed");
            Assert.All(ps, p => Assert.Equal("BX-EMP-01", p.GetProperty("ruleId").GetString()));
        }

        var ptext = await CliAsync("params", "list", "--rule", "BX-EMP-01", "--at", "2025-03-01");
        Assert.True(ptext.Code == 0, ptext.Err);
        Assert.Contains("POLICY.md §6.2 (seed row missing)", ptext.Out, StringComparison.Ordinal);

        var status = await CliAsync("status", "--batch", Batch, "--json");
        Assert.True(status.Code == 0, status.Out + status.Err);
        using (var doc = JsonDocument.Parse(status.Out))
        {
            var runs = doc.RootElement.GetProperty("runs");
            Assert.Equal(1, runs.GetArrayLength());
            Assert.Equal("succeeded_with_quarantine", runs[0].GetProperty("status").GetString());
            Assert.Equal(runs[0].GetProperty("claimsTotal").GetInt64(), runs[0].GetProperty("claimsDone").GetInt64());
        }

        var statusText = await CliAsync("status");
        Assert.Contains("succeeded_with_quarantine", statusText.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TriggerWait_FollowsTheWorkersRun_AndExitsWithItsResult()
    {
        await LoadBatchAsync();
        string logs = Directory.CreateTempSubdirectory("bs-cli-proc-logs-").FullName;
        using var worker = WorkerProcess.Start(conn, logs, "cli-wait");
        var r = await CliAsync("trigger", "--batch", Batch, "--wait", "--timeout", "180");
        Assert.True(r.Code == 0, $"{r.Code}\n{r.Out}\n{r.Err}\n--- worker:\n{worker.Tail()}");
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^run \d+$", lines[0]);
        Assert.Contains("succeeded_with_quarantine", lines[^1], StringComparison.Ordinal);
        Assert.Contains("queued", r.Err, StringComparison.Ordinal);

        // Again: the batch is settled; --wait names that run and exits 0 at once.
        var again = await CliAsync("trigger", "--batch", Batch, "--wait", "--json");
        Assert.True(again.Code == 0, again.Out + again.Err);
        using var doc = JsonDocument.Parse(again.Out);
        Assert.Equal("AlreadySettled", doc.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(0, doc.RootElement.GetProperty("exitCode").GetInt32());
        await worker.StopAsync(TimeSpan.FromSeconds(60));
    }
}
