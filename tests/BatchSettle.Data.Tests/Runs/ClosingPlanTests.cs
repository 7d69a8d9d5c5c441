using BatchSettle.Data.Runs;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;

namespace BatchSettle.Data.Tests.Runs;

/// <summary>
/// Closing a run marks superseded load-reject results (BatchRunner.SupersedeLoadRejectsSql). Right after a run the
/// statistics are stale or absent, and the plain join was planned from the staged claims: 6.9–7.7 s a 2.5M-claim
/// batch in the bench's statement log, instead of milliseconds. The statement's shape fixes the order: the few
/// load-reject results (claim_seq &lt; 0, primary key) outside, each looked up by setl_id inside.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClosingPlanTests(PostgresFixture pg)
{
    [Fact]
    public async Task SupersedeLoadRejects_NeverAnalysed_DrivenFromTheLoadRejectsThroughTheirIndexes()
    {
        await using var ds = await pg.NewDatabaseAsync();
        await using var c = await ds.OpenConnectionAsync();
        await using var tx = await c.BeginTransactionAsync();
        // The closing transaction's settings (BatchRunner.FinishRunAsync).
        await c.ExecuteAsync(BatchRunner.SupersedeLoadRejectsSettingsSql, transaction: tx);
        var plan = (await c.QueryAsync<string>("EXPLAIN " + BatchRunner.SupersedeLoadRejectsSql, new { now = DateTimeOffset.UtcNow }, tx)).ToList();
        string text = string.Join("\n", plan);

        // The outermost scan: settlement_result's load rejects only — the primary key from its negative end, or the
        // partial index that holds exactly them (which one depends on the statistics).
        int outer = plan.FindIndex(l => l.Contains("on settlement_result", StringComparison.Ordinal));
        Assert.True(outer >= 0, text);
        Assert.True(plan[outer].Contains("settlement_result_load_reject", StringComparison.Ordinal)
            || (plan[outer].Contains("settlement_result_pkey", StringComparison.Ordinal) && plan[outer + 1].Contains("(claim_seq < 0)", StringComparison.Ordinal)), text);
        // Staged claims only by setl_id, below it, once per load reject.
        int staged = plan.FindIndex(l => l.Contains("on staging_claim", StringComparison.Ordinal));
        Assert.True(staged > outer, text);
        Assert.Contains("staging_claim_setl_id_key", plan[staged], StringComparison.Ordinal);
        Assert.Contains("(setl_id = settlement_result.setl_id)", plan[staged + 1], StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", text, StringComparison.Ordinal);
    }
}
