using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Reconcile;

/// <summary>reconcile --batch prints per fund, per facility (all funds) and per run, and still fails on a difference.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReconcileReportTests(PostgresFixture pg)
{
    private static async Task<NpgsqlDataSource> SettledAsync(PostgresFixture pg, TestData data)
    {
        var (persons, claims) = data.Standard(12);
        var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, TimeProvider.System);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var s = await new BatchRunner(ds, TimeProvider.System).RunBatchAsync(TestData.Batch, new BatchRunOptions());
        Assert.True(s.Succeeded, s.Format());
        return ds;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Format_Balanced_OneLinePerFacilityWithResultsAndLedger()
    {
        using var data = new TestData();
        await using var ds = await SettledAsync(pg, data);
        await using var c = await ds.OpenConnectionAsync();
        var expected = (await c.QueryAsync<(string Fac, long Total)>(
            """
            SELECT fixmedins_code, sum(hifp_pay + hifmi_pay + hifob_pay + maf_pay)::bigint FROM settlement_result
            WHERE status = 'settled' GROUP BY 1 ORDER BY 1
            """)).ToList();

        var r = await new Reconciler(ds).ReconcileAsync(TestData.Batch);
        string text = r.Format();

        Assert.True(r.Balanced, string.Join("\n", r.Differences));
        // H0..H3 from the standard claims, H001 where the reversal R0000 was filed (negative amounts).
        Assert.Equal(["H0", "H001", "H1", "H2", "H3"], r.Facilities.Select(f => f.Facility));
        Assert.Equal(expected.Select(e => (e.Fac, e.Total, e.Total)), r.Facilities);
        var lines = Lines(text);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("facility", StringComparison.Ordinal) && l.Contains("ledger payable", StringComparison.Ordinal));
        foreach (var (fac, total) in expected)
        {
            string line = Assert.Single(lines, l => l.TrimStart().StartsWith(fac + " ", StringComparison.Ordinal));
            string yuan = Core.Money.FenMath.FormatYuan(total);
            Assert.Equal(2, line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(t => t == yuan));
        }
        // Aligned: every money column ends at the same position on fund, facility and run lines.
        var ends = lines.Where(l => l.StartsWith("  H", StringComparison.Ordinal) || l.StartsWith("  390", StringComparison.Ordinal))
            .Select(l => l.Length).Distinct().ToList();
        Assert.True(ends.Count <= 2, text); // fund lines have 3 money columns, facility lines 2
        Assert.DoesNotContain("DIFFERENCE", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Format_TamperedResult_FacilityLineMarkedAndReportFails()
    {
        using var data = new TestData();
        await using var ds = await SettledAsync(pg, data);
        await using var c = await ds.OpenConnectionAsync();
        string fac = await c.ExecuteScalarAsync<string>(
            """
            ALTER TABLE settlement_result DISABLE TRIGGER settlement_result_no_update; -- a superuser tampering, as in issue 12
            UPDATE settlement_result SET hifp_pay = hifp_pay + 100, fund_pay_sumamt = fund_pay_sumamt + 100, psn_part_amt = psn_part_amt - 100
            WHERE setl_id = (SELECT min(setl_id) FROM settlement_result WHERE status = 'settled' AND hifp_pay > 0)
            RETURNING fixmedins_code
            """) ?? "";

        var r = await new Reconciler(ds).ReconcileAsync(TestData.Batch);
        var lines = Lines(r.Format());

        Assert.False(r.Balanced);
        Assert.Contains(r.Differences, d => d.StartsWith($"facility {fac} fund ", StringComparison.Ordinal));
        string line = Assert.Single(lines, l => l.TrimStart().StartsWith(fac + " ", StringComparison.Ordinal));
        Assert.EndsWith("DIFFERENCE", line, StringComparison.Ordinal);
        Assert.Single(lines, l => l.EndsWith("DIFFERENCE", StringComparison.Ordinal) && l.TrimStart().StartsWith('H'));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("personal share", StringComparison.Ordinal) && l.EndsWith("DIFFERENCE", StringComparison.Ordinal));
    }
}
