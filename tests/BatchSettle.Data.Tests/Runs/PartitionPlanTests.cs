using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Runs;

/// <summary>
/// A run's partitions are contiguous psn_no ranges of equal claim counts (migration 098, PartitionPlan): every claim
/// of the batch in exactly one partition, each partition's count exact, the counts balanced to within one person's
/// claims — whether the first cut came from a block sample (then moved to the exact ranks) or from every claim.
/// Partitions made before 098 (by hash) still settle.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PartitionPlanTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;

    /// <summary>A batch of 1,200 persons with 1–3 claims each, plus a second batch (another id) in the same table.</summary>
    private static async Task<NpgsqlDataSource> LoadedAsync(PostgresFixture pg, TestData data)
    {
        var (persons, claims) = data.Standard(1200);
        var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        string other = data.Write("other.csv", TestData.ClaimsHeader, TestData.ClaimsOfBatch(claims, "210500-2025-04"));
        await loader.LoadClaimsAsync(other);
        return ds;
    }

    public static TheoryData<int, bool> Cases() => new()
    {
        { 1, false }, { 2, false }, { 3, false }, { 4, false }, { 7, false }, { 64, false },
        { 2, true }, { 3, true }, { 4, true }, { 7, true }, { 64, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Plan_CoversEveryClaimOnce_ExactCounts_BalancedToOnePerson(int partitions, bool sampled)
    {
        using var data = new TestData();
        await using var ds = await LoadedAsync(pg, data);
        await using var c = await ds.OpenConnectionAsync();
        // Sampled: a few whole blocks of this small table (a cut far from the ranks, which the plan must move);
        // otherwise the cut comes from every claim of the batch.
        var sampling = sampled ? new PartitionPlan.Sampling(Rows: 300, Above: 0, MinClaims: 1) : PartitionPlan.Sampling.Default;
        var plan = await PartitionPlan.ComputeAsync(c, null, TestData.Batch, partitions, unsettledOnly: false, sampling, default);

        Assert.Equal(partitions, plan.Length);
        // The outer ends are the batch's own first and last persons (not every region's), the last one kept.
        var ends = await c.QuerySingleAsync<(string First, string Last)>(
            "SELECT min(psn_no COLLATE \"C\"), max(psn_no COLLATE \"C\") FROM staging_claim WHERE batch_id = @b", new { b = TestData.Batch });
        Assert.Equal(ends.First, plan[0].From);
        Assert.Equal(ends.Last + "\u0001", plan[^1].To);
        for (int k = 1; k < partitions; k++)
        {
            Assert.Equal(plan[k - 1].To, plan[k].From);
            Assert.True(string.CompareOrdinal(plan[k].From, plan[k].To) <= 0, $"partition {k}: {plan[k].From} after {plan[k].To}");
        }
        var slices = PartitionPlan.Slices(plan);
        long total = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM staging_claim WHERE batch_id = @b", new { b = TestData.Batch });
        long covered = 0;
        for (int k = 0; k < partitions; k++)
        {
            long actual = await c.ExecuteScalarAsync<long>(
                $"SELECT count(*) FROM staging_claim c WHERE c.batch_id = @b AND {slices[k].Sql("c.psn_no", "c.psn_hash")}", new { b = TestData.Batch });
            Assert.Equal(actual, plan[k].Claims);
            covered += actual;
        }
        Assert.Equal(total, covered);
        // Each person in one partition only, so the ranges can differ from n/P by one person's claims (at most 3).
        long ideal = total / partitions;
        Assert.All(plan, p => Assert.InRange(p.Claims, ideal - 3, ideal + 4));
    }

    [Fact]
    public async Task MorePartitionsThanPersons_SomeEmpty_EveryClaimStillInOne()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(3);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var summary = await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 7 });
        Assert.True(summary.Succeeded, summary.Format());
        await using var c = await ds.OpenConnectionAsync();
        var parts = (await c.QueryAsync<(long Total, long Done)>(
            "SELECT claims_total, claims_done FROM run_partition WHERE run_id = @r ORDER BY part_no", new { r = summary.RunId })).ToList();
        Assert.Equal(7, parts.Count);
        long staged = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM staging_claim");
        Assert.Equal(staged, parts.Sum(p => p.Total));
        Assert.All(parts, p => Assert.Equal(p.Total, p.Done));
        Assert.Contains(parts, p => p.Total == 0);
        Assert.Equal(staged, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM settlement_result WHERE claim_seq > 0"));
    }

    [Fact]
    public async Task RangeRun_EachPartitionSettlesItsRangeOnly_AndReconciles()
    {
        using var data = new TestData();
        await using var ds = await LoadedAsync(pg, data);
        var summary = await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 3, ChunkClaims = 100 });
        Assert.True(summary.Succeeded, summary.Format());
        await using var c = await ds.OpenConnectionAsync();
        // Every partition's checkpoint (its last committed person) lies inside its own range, and its counts are exact.
        var parts = (await c.QueryAsync<(bool ByRange, string? From, string? To, string? Checkpoint, long Total, long Done)>(
            "SELECT by_range, psn_from, psn_to, checkpoint, claims_total, claims_done FROM run_partition WHERE run_id = @r ORDER BY part_no",
            new { r = summary.RunId })).ToList();
        Assert.All(parts, p =>
        {
            Assert.True(p.ByRange);
            Assert.NotNull(p.Checkpoint);
            Assert.True(string.CompareOrdinal(p.Checkpoint, p.From) >= 0, $"{p.Checkpoint} before {p.From}");
            Assert.True(string.CompareOrdinal(p.Checkpoint, p.To) < 0, $"{p.Checkpoint} not before {p.To}");
            Assert.Equal(p.Total, p.Done);
        });
        long staged = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM staging_claim WHERE batch_id = @b", new { b = TestData.Batch });
        Assert.Equal(staged, parts.Sum(p => p.Total));
        var report = await new Reconciler(ds).ReconcileAsync(TestData.Batch);
        Assert.True(report.Balanced, string.Join("\n", report.Differences));
    }

    [Fact]
    public async Task PartitionsMadeBeforeRanges_SettledByHash_EveryClaimOnce()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(40);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var runner = new BatchRunner(ds, Time);
        var (runId, _) = await runner.PrepareRunAsync(TestData.Batch, new BatchRunOptions { Partitions = 3 });
        await using var c = await ds.OpenConnectionAsync();
        // As a run created before migration 098 left them: split by psn_hash % 3.
        await c.ExecuteAsync(
            $"""
            UPDATE run_partition p SET by_range = false, psn_from = NULL, psn_to = NULL,
                claims_total = (SELECT count(*) FROM staging_claim s WHERE {PsnHash.PartitionSql("s.psn_hash", 3)} = p.part_no)
            WHERE run_id = @runId
            """, new { runId });
        for (int k = 0; k < 3; k++) await runner.RunPartitionAsync(runId, k, new BatchRunOptions { ChunkClaims = 7 });
        var summary = await runner.FinishRunAsync(runId, [], TimeSpan.FromSeconds(1));
        Assert.True(summary.Succeeded, summary.Format());

        long staged = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM staging_claim");
        Assert.Equal(staged, await c.ExecuteScalarAsync<long>("SELECT count(DISTINCT claim_seq) FROM settlement_result WHERE claim_seq > 0"));
        Assert.Equal(staged, await c.ExecuteScalarAsync<long>("SELECT sum(claims_done) FROM run_partition WHERE run_id = @runId", new { runId }));
        var report = await new Reconciler(ds).ReconcileAsync(TestData.Batch);
        Assert.True(report.Balanced, string.Join("\n", report.Differences));
    }
}
