using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Ledger;

[Collection(PostgresCollection.Name)]
public sealed class LedgerTests(PostgresFixture pg)
{
    private static async Task<NpgsqlDataSource> SettledAsync(PostgresFixture pg, TestData data)
    {
        var (persons, claims) = data.Standard(8);
        var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, TimeProvider.System);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var s = await new BatchRunner(ds, TimeProvider.System).RunBatchAsync(TestData.Batch, new BatchRunOptions());
        Assert.True(s.Succeeded, s.Format());
        return ds;
    }

    [Theory]
    [InlineData("UPDATE ledger_line SET debit = debit + 1")]
    [InlineData("DELETE FROM ledger_line")]
    [InlineData("TRUNCATE ledger_line")]
    public async Task Ledger_UpdateDeleteTruncate_RefusedByDatabase(string sql)
    {
        using var data = new TestData();
        await using var ds = await SettledAsync(pg, data);
        await using var c = await ds.OpenConnectionAsync();
        long before = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM ledger_line");
        Assert.True(before > 0);

        var e = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(sql));

        Assert.Contains("append-only", e.MessageText, StringComparison.Ordinal);
        Assert.Equal(before, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM ledger_line"));
    }

    [Fact]
    public async Task Reconcile_UnbalancedLineInserted_ReportsEntryAndFund()
    {
        using var data = new TestData();
        await using var ds = await SettledAsync(pg, data);
        Assert.True((await new Reconciler(ds).ReconcileAsync(TestData.Batch)).Balanced);
        await using var c = await ds.OpenConnectionAsync();
        await c.ExecuteAsync(
            """
            INSERT INTO ledger_line (entry_id, line_no, setl_id, run_id, batch_id, kind, posted_at, account, fund_pay_type, fixmedins_code, debit, credit)
            SELECT entry_id, 99, setl_id, run_id, batch_id, kind, posted_at, 'benefit_expense', '390100', fixmedins_code, 1, 0
            FROM ledger_line ORDER BY entry_id LIMIT 1
            """);

        var report = await new Reconciler(ds).ReconcileAsync(TestData.Batch);

        Assert.False(report.Balanced);
        Assert.Contains(report.Differences, d => d.Contains("unbalanced", StringComparison.Ordinal));
        Assert.Contains(report.Differences, d => d.StartsWith("fund 390100", StringComparison.Ordinal));
        Assert.Contains(report.Differences, d => d.Contains("trial balance", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reconcile_TamperedResult_ReportsFundAndFacility()
    {
        using var data = new TestData();
        await using var ds = await SettledAsync(pg, data);
        await using var c = await ds.OpenConnectionAsync();
        await c.ExecuteAsync(
            """
            ALTER TABLE settlement_result DISABLE TRIGGER settlement_result_no_update; -- a superuser tampering, as in issue 12
            UPDATE settlement_result SET hifp_pay = hifp_pay + 100, fund_pay_sumamt = fund_pay_sumamt + 100, psn_part_amt = psn_part_amt - 100
            WHERE setl_id = (SELECT min(setl_id) FROM settlement_result WHERE status = 'settled' AND hifp_pay > 0)
            """);

        var report = await new Reconciler(ds).ReconcileAsync(TestData.Batch);

        Assert.False(report.Balanced);
        Assert.Contains(report.Differences, d => d.StartsWith("facility ", StringComparison.Ordinal));
        Assert.Contains(report.Differences, d => d.StartsWith("personal share", StringComparison.Ordinal));
    }
}
