using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Runs;

/// <summary>
/// Issue 12, item 1: every staged claim is accounted for. Claims loaded into a batch while its run is unfinished are
/// refused by name; claims loaded after it succeeded are settled by a follow-up run; reconcile proves completeness.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CompletenessTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;

    [Fact]
    public async Task LoadAfterRunSucceeded_SettledByFollowUpRun_ReconcileCompleteOnlyAfterIt()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(12);
        await using var ds = await pg.NewDatabaseAsync();
        var output = new StringWriter();
        var loader = new StagingLoader(ds, Time, new WriterLogger(output));
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var runner = new BatchRunner(ds, Time);
        var first = await runner.RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 2 });
        Assert.True(first.Succeeded, first.Format());

        // A late delivery: new claims of known persons (some sorting before, some after the settled ones).
        string late = data.Write("late.csv", TestData.ClaimsHeader,
        [
            TestData.Claim("A-LATE-1", "P0001", "2025-03-28", 800m),
            TestData.Claim("Z-LATE-2", "P0005", "2025-03-02", 1200m, 30m),
            TestData.Claim("LATE-BAD", "P0006", "2025-03-03", 100m, medType: "99"),
        ]);
        var lr = await loader.LoadClaimsAsync(late);
        Assert.Equal(3, lr.Inserted);
        Assert.Contains("follow-up run", output.ToString(), StringComparison.Ordinal);

        var gap = await new Reconciler(ds).ReconcileAsync(TestData.Batch);
        Assert.False(gap.Balanced);
        Assert.Contains(gap.Differences, d => d.Contains("A-LATE-1", StringComparison.Ordinal) && d.Contains("no result", StringComparison.Ordinal));

        var follow = await runner.RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 2 });

        Assert.False(follow.AlreadySucceeded);
        Assert.NotEqual(first.RunId, follow.RunId);
        Assert.Equal(3, follow.Claims);
        Assert.Equal(2, follow.Settled);
        Assert.Equal(1, follow.Quarantined);
        await using var c = await ds.OpenConnectionAsync();
        Assert.Equal(first.RunId, await c.ExecuteScalarAsync<long>("SELECT follow_up_of FROM run WHERE run_id = @r", new { r = follow.RunId }));
        Assert.Equal(0, await c.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM staging_claim s WHERE NOT EXISTS (SELECT 1 FROM settlement_result r WHERE r.claim_seq = s.claim_seq)"));
        var report = await new Reconciler(ds).ReconcileAsync(TestData.Batch);
        Assert.True(report.Balanced, string.Join("\n", report.Differences));
        Assert.Equal(first.Claims + 3, report.Staged);

        // And then the batch is done: a rerun changes nothing and says so.
        var third = await runner.RunBatchAsync(TestData.Batch, new BatchRunOptions());
        Assert.True(third.AlreadySucceeded);
        Assert.Equal(follow.RunId, third.RunId);
    }

    [Fact]
    public async Task LoadWhileRunIsRunning_RefusedByNameAndNeverSilentlySkipped()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(20);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        string late = data.Write("late.csv", TestData.ClaimsHeader,
        [
            TestData.Claim("A-DURING", "P0001", "2025-03-28", 800m),
            TestData.Claim("Z-DURING", "P0019", "2025-03-02", 1200m),
        ]);
        LoadResult? during = null;
        var options = new BatchRunOptions
        {
            Partitions = 1,
            ChunkClaims = 5,
            // Loaded between two chunks of the run: the batch is sealed.
            AfterChunkCommit = (_, chunk) =>
            {
                if (chunk == 1) during = new StagingLoader(ds, Time).LoadClaimsAsync(late).GetAwaiter().GetResult();
            },
        };
        var run = await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, options);

        Assert.True(run.Succeeded, run.Format());
        Assert.NotNull(during);
        Assert.Equal(0, during!.Inserted);
        Assert.Equal(2, during.Rejected);
        await using var c = await ds.OpenConnectionAsync();
        var refused = (await c.QueryAsync<(string Setl, string Field, string Reason, bool Refused)>(
            "SELECT setl_id, field, reason, refused FROM staging_reject ORDER BY source_line")).AsList();
        Assert.Equal(["A-DURING", "Z-DURING"], refused.Select(r => r.Setl));
        Assert.All(refused, r => Assert.True(r.Refused));
        Assert.All(refused, r => Assert.Equal("batch_id", r.Field));
        Assert.All(refused, r => Assert.Contains("sealed", r.Reason, StringComparison.Ordinal));
        var report = await new Reconciler(ds).ReconcileAsync(TestData.Batch);
        Assert.True(report.Balanced, string.Join("\n", report.Differences));
        Assert.Equal(2, report.Refused);
        Assert.Contains("2 rows refused", report.Format(), StringComparison.Ordinal);

        // Loaded again after the run: accepted and settled by a follow-up run.
        var again = await new StagingLoader(ds, Time).LoadClaimsAsync(late);
        Assert.Equal(2, again.Inserted);
        var follow = await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions());
        Assert.Equal(2, follow.Claims);
        Assert.Equal(0, follow.Quarantined);
        Assert.True((await new Reconciler(ds).ReconcileAsync(TestData.Batch)).Balanced);
    }

    [Fact]
    public async Task DirectInsertIntoSealedBatch_RefusedByTheDatabase()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(5);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var crash = new BatchRunOptions { ChunkClaims = 2, AfterChunkCommit = (_, _) => throw new InvalidOperationException("crash") };
        var failed = await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, crash);
        Assert.Equal("failed", failed.Status);

        await using var c = await ds.OpenConnectionAsync();
        var e = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(
            """
            INSERT INTO staging_claim (batch_id, setl_id, psn_no, admdvs, insutype, med_type, fixmedins_code, hosp_lv, fac_kind,
                designated, setting, in_province, begndate, enddate, medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay,
                preselfpay_amt, inscp_scp_amt, psn_hash, source_file, source_line, loaded_at)
            SELECT batch_id, 'DIRECT', psn_no, admdvs, insutype, med_type, fixmedins_code, hosp_lv, fac_kind, designated, setting,
                   in_province, begndate, enddate, medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt,
                   psn_hash, 'direct', 1, now()
            FROM staging_claim LIMIT 1
            """));
        Assert.Contains("sealed", e.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentRunsOfOneBatch_OneSucceedsTheOtherIsToldSo()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(30);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        RunBusyException? busy = null;
        var options = new BatchRunOptions
        {
            Partitions = 1,
            ChunkClaims = 5,
            AfterChunkCommit = (_, chunk) =>
            {
                if (chunk == 1)
                {
                    busy = Assert.ThrowsAsync<RunBusyException>(() => new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions()))
                        .GetAwaiter().GetResult();
                }
            },
        };
        var run = await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, options);

        Assert.True(run.Succeeded, run.Format());
        Assert.Equal(1, run.Attempt);
        Assert.NotNull(busy);
        Assert.Contains("being run by another process", busy!.Message, StringComparison.Ordinal);
        Assert.True((await new Reconciler(ds).ReconcileAsync(TestData.Batch)).Balanced);
    }

    [Fact]
    public async Task Reconcile_UnknownBatch_IsADifferenceNotAgreement()
    {
        await using var ds = await pg.NewDatabaseAsync();
        var report = await new Reconciler(ds).ReconcileAsync("210500-2099-01");
        Assert.False(report.Balanced);
        Assert.Contains(report.Differences, d => d.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ResumedRunWithOtherPartitionCount_SaysItKeepsItsOwn()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(10);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var crash = new BatchRunOptions { Partitions = 2, ChunkClaims = 2, AfterChunkCommit = (_, _) => throw new InvalidOperationException("crash") };
        Assert.Equal("failed", (await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, crash)).Status);
        var log = new StringWriter();

        var resumed = await new BatchRunner(ds, Time, new WriterLogger(log)).RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 7, PartitionsGiven = true });

        Assert.True(resumed.Succeeded);
        Assert.Contains("keeps its 2 partitions", log.ToString(), StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => new BatchRunner(ds, Time).PrepareRunAsync(TestData.Batch,
            new BatchRunOptions { Partitions = BatchRunOptions.MaxPartitions + 1 }));
    }
}
