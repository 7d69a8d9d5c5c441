using BatchSettle.Data.Export;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;

namespace BatchSettle.Data.Tests.Export;

/// <summary>
/// CI-06 zero-claim resets reported per run and batch. Benxi residents 2025, continuous_years 5 (+4,000), cap 400,000:
/// - ZR: zero_claim_years 2 (+8,000 banked), one 2,000,000-yuan admission on 2025-03-10: its 大病 increment (base far
///   above the deductible, ratio ≥ 60%) is over 1,000,000, so the payment is capped at 412,000 and uses incentive
///   (paid + pay > 400,000) with a zero-claim part > 0 → reset.
/// - ZN: the same claim, zero_claim_years 0: uses incentive, but nothing banked to reset → no row.
/// - ZS: zero_claim_years 2, a 10,000-yuan admission: stays under the base cap → no row.
/// April batch: ZR's claim is reversed → an undo row (the reversal rolls the slot back).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ZeroClaimResetExportTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;
    private const string April = "210500-2025-04";

    private static string P(string psn, int zeroYears) =>
        $"{psn},210500,390,1960-05-01,2025,centralised,2024-12-01,,0,0,5,{zeroYears},,,false";

    [Fact]
    [Trait("Rule", "CI-06")]
    public async Task Resets_ListedPerRunAndBatch_CountedInTheSummary_UndoneByAReversal()
    {
        using var data = new TestData();
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(data.Write("persons.csv", TestData.PersonsHeader, [P("ZR", 2), P("ZN", 0), P("ZS", 2)]));
        await loader.LoadClaimsAsync(data.Write("claims.csv", TestData.ClaimsHeader,
        [
            TestData.Claim("ZR1", "ZR", "2025-03-10", 2_000_000m),
            TestData.Claim("ZN1", "ZN", "2025-03-10", 2_000_000m),
            TestData.Claim("ZS1", "ZS", "2025-03-10", 10_000m),
        ]));
        var runner = new BatchRunner(ds, Time);
        var march = await runner.RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 1, Parallelism = 1 });
        Assert.True(march.Succeeded, march.Error);
        Assert.Equal(1, march.ZeroClaimResets);
        Assert.Contains("zero-claim resets: 1\n", march.Format(), StringComparison.Ordinal);
        await using var c = await ds.OpenConnectionAsync();
        Assert.Equal(41_200_000, await c.ExecuteScalarAsync<long>("SELECT hifmi_pay FROM settlement_result WHERE setl_id = 'ZR1'"));

        var export = new ZeroClaimResetExport(ds);
        var byRun = await export.ListAsync(null, march.RunId);
        Assert.Equal([new ZeroClaimReset("ZR", 2025, "390", "ZR1", new DateOnly(2025, 3, 10), "reset", march.RunId)], byRun);

        await loader.LoadClaimsAsync(data.Write("claims2.csv", TestData.ClaimsHeader,
            [April + TestData.Claim("ZR1R", "ZR", "2025-04-02", -2_000_000m, reversalOf: "ZR1")[TestData.Batch.Length..]]));
        var april = await runner.RunBatchAsync(April, new BatchRunOptions { Partitions = 1, Parallelism = 1 });
        Assert.True(april.Succeeded, april.Error);
        Assert.Equal((0L, 1L), (april.ZeroClaimResets, april.ZeroClaimResetUndos));
        Assert.Contains("zero-claim resets: 0 (1 undone by reversals)", april.Format(), StringComparison.Ordinal);
        Assert.Equal([new ZeroClaimReset("ZR", 2025, "390", "ZR1R", new DateOnly(2025, 4, 2), "undo", april.RunId)],
            await export.ListAsync(April, null));
        // The March list is still March's (a later reversal is reported by the run that posts it).
        Assert.Equal(byRun, await export.ListAsync(TestData.Batch, null));

        string path = Path.Combine(data.Dir, "out", "resets.csv");
        await ZeroClaimResetExport.WriteCsvAsync(path, byRun);
        Assert.Equal("psn_no,year,insutype,setl_id,date,action\nZR,2025,390,ZR1,2025-03-10,reset\n", await File.ReadAllTextAsync(path));
        await Assert.ThrowsAsync<ArgumentException>(() => export.ListAsync(null, null));
        await Assert.ThrowsAsync<InvalidOperationException>(() => export.ListAsync(null, 987_654_321));

        // Migration 047's backfill (for runs finished before it) counts the same from the stored results.
        await c.ExecuteAsync("UPDATE run SET zero_claim_resets = 0, zero_claim_reset_undos = 0");
        string sql = await File.ReadAllTextAsync(Path.Combine(BatchSettle.Data.Migrations.SqlLocator.Find(), "047_zero_claim_resets.sql"));
        await c.ExecuteAsync(sql[sql.IndexOf("UPDATE run SET", StringComparison.Ordinal)..]);
        Assert.Equal([(march.RunId, 1L, 0L), (april.RunId, 0L, 1L)], (await c.QueryAsync<(long, long, long)>(
            "SELECT run_id, zero_claim_resets, zero_claim_reset_undos FROM run ORDER BY run_id")).ToList());
    }
}
