using BatchSettle.Data.Export;
using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Runs;

[Collection(PostgresCollection.Name)]
public sealed class BatchRunnerTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;

    private static async Task LoadAsync(NpgsqlDataSource ds, string persons, string claims)
    {
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
    }

    [Fact]
    public async Task LoadRunExport_SmallBatch_SettlesReconcilesAndExportsContractShapes()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard();
        await using var ds = await pg.NewDatabaseAsync();
        await LoadAsync(ds, persons, claims);

        var summary = await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 3, Parallelism = 2 });

        Assert.True(summary.Succeeded, summary.Format());
        Assert.Equal(61, summary.Claims);
        Assert.True(summary.Settled > 50, summary.Format());
        Assert.Equal(0, summary.Quarantined);
        var rev = await ds.OpenConnection().QuerySingleAsync<(string Status, long Hifp)>(
            "SELECT status, hifp_pay FROM settlement_result WHERE setl_id = 'R0000'");
        var orig = await ds.OpenConnection().QuerySingleAsync<long>("SELECT hifp_pay FROM settlement_result WHERE setl_id = 'S0000-0'");
        Assert.Equal("settled", rev.Status);
        Assert.Equal(-orig, rev.Hifp);

        var report = await new Reconciler(ds).ReconcileAsync(TestData.Batch);
        Assert.True(report.Balanced, string.Join("\n", report.Differences));

        var x = new BatchExporter(ds);
        string r = Path.Combine(data.Dir, "r.csv"), l = Path.Combine(data.Dir, "l.csv"), a = Path.Combine(data.Dir, "a.csv");
        Assert.Equal(61, await x.ExportResultsAsync(TestData.Batch, r));
        await x.ExportLedgerAsync(TestData.Batch, l);
        await x.ExportAlertsAsync(TestData.Batch, a);
        var rl = File.ReadAllLines(r);
        Assert.Equal(BatchExporter.ResultsHeader, rl[0]);
        Assert.Equal(BatchExporter.LedgerHeader, File.ReadAllLines(l)[0]);
        Assert.Equal(BatchExporter.AlertsHeader, File.ReadAllLines(a)[0]);
        var first = rl[1].Split(',');
        Assert.Equal(23, first.Length);
        Assert.Matches(@"^-?\d+\.\d{2}$", first[8]);
        Assert.Matches(@"^\d\.\d{4}$", first[15]);
        Assert.Contains(first[22], new[] { "true", "false" });
    }

    [Fact]
    public async Task Run_BadRowsAndCodes_QuarantinedWithFieldAndRestSettles()
    {
        using var data = new TestData();
        string persons = data.Write("p.csv", TestData.PersonsHeader, [TestData.Person("A1"), TestData.Person("A2")]);
        string claims = data.Write("c.csv", TestData.ClaimsHeader,
        [
            TestData.Claim("OK1", "A1", "2025-03-05", 5000m),
            TestData.Claim("BADMED", "A1", "2025-03-06", 100m, medType: "99"),
            TestData.Claim("NOBODY", "ZZ", "2025-03-06", 100m),
            TestData.Claim("OK2", "A2", "2025-03-07", 3000m, 10m),
            TestData.Claim("BADDEC", "A2", "2025-03-08", 100m).Replace(",100.00,0.00,0,0,100.00,", ",100.005,0.00,0,0,100.005,", StringComparison.Ordinal),
            TestData.Claim("BADDATE", "A2", "2025-02-30", 100m),
            TestData.Claim("NEG", "A2", "2025-03-09", -100m),
            TestData.Claim("REVX", "A2", "2025-03-10", -100m, reversalOf: "NOPE"),
        ]);
        await using var ds = await pg.NewDatabaseAsync();
        await LoadAsync(ds, persons, claims);

        var summary = await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 2 });

        Assert.Equal("succeeded_with_quarantine", summary.Status);
        Assert.Equal(2, summary.Settled);
        Assert.Equal(6, summary.Quarantined);
        var q = (await ds.OpenConnection().QueryAsync<(string Setl, string Field)>("SELECT setl_id, field FROM quarantine")).ToHashSet();
        Assert.Contains(("BADMED", "med_type"), q);
        Assert.Contains(("NOBODY", "psn_no"), q);
        Assert.Contains(("BADDEC", "inscp_scp_amt"), q);
        Assert.Contains(("BADDATE", "enddate"), q);
        Assert.Contains(("NEG", "inscp_scp_amt"), q);
        Assert.Contains(("REVX", "reversal_of"), q);
    }

    [Fact]
    public async Task Run_BatchAlreadySucceeded_ChangesNothing()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(10);
        await using var ds = await pg.NewDatabaseAsync();
        await LoadAsync(ds, persons, claims);
        var runner = new BatchRunner(ds, Time);
        var first = await runner.RunBatchAsync(TestData.Batch, new BatchRunOptions());
        string before = await SnapshotAsync(ds);

        var second = await runner.RunBatchAsync(TestData.Batch, new BatchRunOptions());

        Assert.True(first.Succeeded);
        Assert.True(second.AlreadySucceeded);
        Assert.Equal(first.RunId, second.RunId);
        Assert.Contains("already succeeded", second.Format(), StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync(ds));
        Assert.Equal(1, await ds.OpenConnection().ExecuteScalarAsync<int>("SELECT count(*) FROM run"));
    }

    [Fact]
    public async Task Run_InterruptedAfterChunks_ResumesToSameResultsAsUninterrupted()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(40);
        await using var clean = await pg.NewDatabaseAsync();
        await using var broken = await pg.NewDatabaseAsync();
        await LoadAsync(clean, persons, claims);
        await LoadAsync(broken, persons, claims);
        await new BatchRunner(clean, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 2, ChunkClaims = 5 });

        var crashing = new BatchRunOptions
        {
            Partitions = 2,
            ChunkClaims = 5,
            AfterChunkCommit = (part, chunk) => { if (chunk == 2) throw new InvalidOperationException("simulated crash"); },
        };
        var failed = await new BatchRunner(broken, Time).RunBatchAsync(TestData.Batch, crashing);
        Assert.Equal("failed", failed.Status);
        Assert.True(await broken.OpenConnection().ExecuteScalarAsync<long>("SELECT count(*) FROM settlement_result") > 0);

        var resumed = await new BatchRunner(broken, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 2, ChunkClaims = 5 });

        Assert.True(resumed.Succeeded, resumed.Format());
        Assert.Equal(2, resumed.Attempt);
        Assert.Equal(await SnapshotAsync(clean), await SnapshotAsync(broken));
    }

    /// <summary>Results, ledger amounts and accumulators, without run ids and timestamps.</summary>
    private static async Task<string> SnapshotAsync(NpgsqlDataSource ds)
    {
        await using var c = await ds.OpenConnectionAsync();
        var results = await c.QueryAsync<string>(
            """
            SELECT concat_ws('|', setl_id, status, reason, medfee_sumamt, act_pay_dedc, hifp_pay, pool_prop_bp, hifmi_pay,
                   hifob_pay, maf_pay, maf_tilted_pay, fund_pay_sumamt, psn_part_amt, assumed_params, acc_delta::text, trace)
            FROM settlement_result ORDER BY setl_id
            """);
        var ledger = await c.QueryAsync<string>(
            "SELECT concat_ws('|', entry_id, line_no, setl_id, kind, account, fund_pay_type, fixmedins_code, debit, credit) FROM ledger_line ORDER BY entry_id, line_no");
        var acc = await c.QueryAsync<string>("SELECT concat_ws('|', psn_no, year, acc::text) FROM accumulator ORDER BY psn_no, year");
        var alerts = await c.QueryAsync<string>("SELECT concat_ws('|', psn_no, year, threshold, ytd_personal_burden, triggered_by_setl_id) FROM alert ORDER BY 1");
        return string.Join("\n", results.Concat(ledger).Concat(acc).Concat(alerts));
    }
}
