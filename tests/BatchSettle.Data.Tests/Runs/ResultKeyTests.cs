using BatchSettle.Data.Explain;
using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Runs;

/// <summary>
/// settlement_result is keyed by the staged claim's claim_seq (migration 023), not by setl_id: what the setl_id key
/// guaranteed must still hold — one result per claim, lookups by setl_id, and a result's setl_id is its claim's.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ResultKeyTests(PostgresFixture pg)
{
    private static async Task<NpgsqlDataSource> SettledAsync(PostgresFixture pg, TestData data)
    {
        string persons = data.Write("p.csv", TestData.PersonsHeader, [TestData.Person("A1")]);
        string claims = data.Write("c.csv", TestData.ClaimsHeader,
        [
            TestData.Claim("OK1", "A1", "2025-03-05", 5000m),
            TestData.Claim("OK2", "A1", "2025-03-07", 800m),
            TestData.Claim("BADDATE", "A1", "2025-02-30", 100m),
        ]);
        var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, TimeProvider.System);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var s = await new BatchRunner(ds, TimeProvider.System).RunBatchAsync(TestData.Batch, new BatchRunOptions());
        Assert.True(s.Succeeded, s.Format());
        return ds;
    }

    [Fact]
    public async Task Results_KeyedByStagedClaimSeq_LoadRejectByMinusRejectId()
    {
        using var data = new TestData();
        await using var ds = await SettledAsync(pg, data);
        await using var c = await ds.OpenConnectionAsync();

        var keys = (await c.QueryAsync<(string SetlId, long ClaimSeq, long? Staged, long? RejectId)>(
            """
            SELECT r.setl_id, r.claim_seq, s.claim_seq, (SELECT min(j.reject_id) FROM staging_reject j WHERE j.setl_id = r.setl_id)
            FROM settlement_result r LEFT JOIN staging_claim s ON s.setl_id = r.setl_id ORDER BY r.setl_id
            """)).ToList();

        Assert.Equal(["BADDATE", "OK1", "OK2"], keys.Select(k => k.SetlId));
        foreach (var k in keys.Where(k => k.SetlId.StartsWith("OK", StringComparison.Ordinal))) Assert.Equal(k.Staged, k.ClaimSeq);
        var bad = keys.Single(k => k.SetlId == "BADDATE");
        Assert.Null(bad.Staged);
        Assert.Equal(-bad.RejectId, bad.ClaimSeq);
    }

    [Fact]
    public async Task Explain_FindsStagedAndLoadRejectedClaimsBySetlId()
    {
        using var data = new TestData();
        await using var ds = await SettledAsync(pg, data);
        var explain = new ExplainQuery(ds);

        string? ok = await explain.ExplainAsync("OK2");
        string? bad = await explain.ExplainAsync("BADDATE");

        Assert.NotNull(ok);
        Assert.StartsWith("claim OK2 ", ok, StringComparison.Ordinal);
        Assert.Contains("status settled", ok, StringComparison.Ordinal);
        Assert.NotNull(bad);
        Assert.StartsWith("claim BADDATE ", bad, StringComparison.Ordinal);
        Assert.Contains("status quarantined — load: ", bad, StringComparison.Ordinal);
        Assert.Null(await explain.ExplainAsync("NO-SUCH-CLAIM"));
    }

    [Fact]
    public async Task SecondResultForAClaim_RefusedByTheKey()
    {
        using var data = new TestData();
        await using var ds = await SettledAsync(pg, data);
        await using var c = await ds.OpenConnectionAsync();

        var e = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(
            """
            INSERT INTO settlement_result (claim_seq, setl_id, psn_no, batch_id, admdvs, insutype, med_type, fixmedins_code, status, run_id)
            SELECT claim_seq, setl_id, psn_no, batch_id, admdvs, insutype, med_type, fixmedins_code, 'rejected', run_id
            FROM settlement_result WHERE setl_id = 'OK1'
            """));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, e.SqlState);
    }

    [Fact]
    public async Task Reconcile_ResultWhoseSetlIdIsNotItsStagedClaims_Reported()
    {
        using var data = new TestData();
        await using var ds = await SettledAsync(pg, data);
        Assert.True((await new Reconciler(ds).ReconcileAsync(TestData.Batch)).Balanced);
        await using (var c = await ds.OpenConnectionAsync())
        {
            await c.ExecuteAsync("ALTER TABLE settlement_result DISABLE TRIGGER settlement_result_no_update; UPDATE settlement_result SET setl_id = 'OK1-WRONG' WHERE setl_id = 'OK1'");
        }

        var r = await new Reconciler(ds).ReconcileAsync(TestData.Batch);

        Assert.False(r.Balanced);
        Assert.Contains("result OK1-WRONG does not match its staged claim OK1", r.Differences);
    }
}
