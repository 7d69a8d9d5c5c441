using BatchSettle.Core.Money;
using BatchSettle.Data.Assistance;
using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Assistance;

/// <summary>
/// YK-MA-09 application batch end to end: Yingkou residents, claims settled by the real runner, then applications.
/// Application 2025-03-15 → window 2024-03-15 .. 2025-03-14. I rows: basic 5,000 / 50% / 20,000; tilted 10,000 / 50% /
/// 15,000. The per-claim base is what the runner left after basic fund and 大病 (inscp − hifp − hifmi − hifob, read back);
/// the application arithmetic on it is spelled out in <see cref="Expected"/>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AssistanceApplicationTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;
    private static readonly DateOnly App = new(2025, 3, 15);

    private static string P(string psn, int year, string hardship) =>
        $"{psn},210800,390,1960-05-01,{year},centralised,{year - 1}-12-01,,0,0,5,0,,{hardship},false";

    private async Task<NpgsqlDataSource> LoadedAsync(TestData data)
    {
        string persons = data.Write("persons.csv", TestData.PersonsHeader,
        [
            P("YI", 2024, "I:2025-03-01"), P("YI", 2025, "I:2025-03-01"),
            P("YNONE", 2024, ""), P("YNONE", 2025, ""),
        ]);
        string claims = data.Write("claims.csv", TestData.ClaimsHeader,
        [
            // Outside the window (one day before it): must not count.
            TestData.Claim("OUT", "YI", "2024-03-14", 60_000m, admdvs: "210800"),
            TestData.Claim("IN1", "YI", "2024-06-10", 30_000m, admdvs: "210800"),
            TestData.Claim("IN2", "YI", "2025-02-10", 60_000m, admdvs: "210800"),
            TestData.Claim("N1", "YNONE", "2024-06-10", 30_000m, admdvs: "210800"),
        ]);
        var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var summary = await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 1, Parallelism = 1 });
        Assert.True(summary.Succeeded, summary.Error);
        return ds;
    }

    /// <summary>
    /// Hand formula (INTERPRETATIONS §8 YK-MA-09), all care local in Liaoning, nothing paid before (I is not assisted
    /// per claim): with b24, b25 the window bases of 2024 and 2025 (one deductible, consumed in calendar order),
    ///   basic24 = round(max(0, b24 − 5,000) × 50%), basic25 = round((max(0, b24 + b25 − 5,000) − max(0, b24 − 5,000)) × 50%);
    ///   tilted on r24 = b24 − basic24, r25 = b25 − basic25 with deductible 10,000 the same way. Caps not reached here.
    /// </summary>
    private static (long Basic, long Tilted) Expected(long b24, long b25)
    {
        static long Inc(long b0, long b1, long d) => FenMath.MulBp(Math.Max(0, b1 - d) - Math.Max(0, b0 - d), 5000);
        long basic24 = Inc(0, b24, 500_000), basic25 = Inc(b24, b24 + b25, 500_000);
        long r24 = b24 - basic24, r25 = b25 - basic25;
        long tilt24 = Inc(0, r24, 1_000_000), tilt25 = Inc(r24, r24 + r25, 1_000_000);
        return (basic24 + basic25, tilt24 + tilt25);
    }

    private static Task<long> BaseAsync(NpgsqlConnection c, string setl) => c.ExecuteScalarAsync<long>(
        "SELECT inscp_scp_amt - hifp_pay - hifmi_pay - hifob_pay FROM settlement_result WHERE setl_id = @setl AND status = 'settled'",
        new { setl });

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public async Task Apply_CategoryI_GrantedAsComputed_LedgerBalanced_SecondRefused()
    {
        using var data = new TestData();
        await using var ds = await LoadedAsync(data);
        await using var c = await ds.OpenConnectionAsync();
        long b24 = await BaseAsync(c, "IN1"), b25 = await BaseAsync(c, "IN2"), bOut = await BaseAsync(c, "OUT");
        Assert.True(b24 > 0 && b25 > 0 && bOut > 0, string.Join("; ", await c.QueryAsync<string>("SELECT setl_id || ' ' || status || ' ' || coalesce(reason, '') || ' ' || coalesce(inscp_scp_amt - hifp_pay - hifmi_pay - hifob_pay, -1) FROM settlement_result")));
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT sum(maf_pay) FROM settlement_result WHERE psn_no = 'YI'"));
        var (basic, tilted) = Expected(b24, b25);
        Assert.True(basic < 2_000_000 && tilted > 0 && tilted < 1_500_000, $"the example must pay tilted and stay under the caps: {b24} {b25} {basic} {tilted}");
        // Including the claim outside the window would change the amounts.
        Assert.NotEqual((basic, tilted), Expected(b24 + bOut, b25));

        var svc = new AssistanceApplicationService(ds, Time);
        var d = await svc.ApplyAsync("YI", App);
        Assert.True(d.Granted, d.Reason);
        Assert.Equal(basic, d.Basic);
        Assert.Equal(tilted, d.Tilted);
        Assert.Equal(new DateOnly(2024, 3, 15), d.WindowFrom);
        Assert.Equal(new DateOnly(2025, 3, 14), d.WindowTo);
        Assert.Contains("YK-MA-09", d.Format(), StringComparison.Ordinal);
        Assert.Contains("#210 ma.i_lookback_months", d.Trace, StringComparison.Ordinal);

        // One balanced entry: debit benefit_expense (basic, tilted), credit payable_person, 610100, no facility.
        var lines = (await c.QueryAsync<(string Account, string Fund, string Kind, string? Fac, long Debit, long Credit, string Batch)>(
            "SELECT account, fund_pay_type, kind, fixmedins_code, debit, credit, batch_id FROM ledger_line WHERE entry_id = @e ORDER BY line_no",
            new { e = d.EntryId })).ToList();
        Assert.Equal(
            [("benefit_expense", "610100", "assistance_application", (string?)null, basic, 0L, "assist-app-210800"),
             ("benefit_expense", "610100", "assistance_application", null, tilted, 0L, "assist-app-210800"),
             ("payable_person", "610100", "assistance_application", null, 0L, basic + tilted, "assist-app-210800")],
            lines);
        Assert.Equal(lines.Sum(l => l.Debit), lines.Sum(l => l.Credit));

        // Once: a second application in the same identity period is refused and posts nothing.
        long before = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM ledger_line WHERE kind = 'assistance_application'");
        var again = await svc.ApplyAsync("YI", App.AddDays(20));
        Assert.False(again.Granted);
        Assert.Contains("already granted once", again.Reason, StringComparison.Ordinal);
        Assert.Null(again.EntryId);
        Assert.Equal(before, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM ledger_line WHERE kind = 'assistance_application'"));
        Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM assistance_application WHERE status = 'granted'"));

        // The claim batch still reconciles: the application entry is under its own batch id.
        var rec = await new Reconciler(ds).ReconcileAsync(TestData.Batch);
        Assert.True(rec.Balanced, string.Join("; ", rec.Differences));
    }

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public async Task Apply_WithoutCategoryI_RefusedWithReason_NothingPosted()
    {
        using var data = new TestData();
        await using var ds = await LoadedAsync(data);
        var d = await new AssistanceApplicationService(ds, Time).ApplyAsync("YNONE", App);
        Assert.False(d.Granted);
        Assert.Contains("does not hold category I", d.Reason, StringComparison.Ordinal);
        await using var c = await ds.OpenConnectionAsync();
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM ledger_line WHERE kind = 'assistance_application'"));
        Assert.Equal("refused", await c.ExecuteScalarAsync<string>("SELECT status FROM assistance_application WHERE psn_no = 'YNONE'"));
    }

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public async Task Apply_UniqueIndex_RefusesASecondGrantedRow()
    {
        using var data = new TestData();
        await using var ds = await LoadedAsync(data);
        var d = await new AssistanceApplicationService(ds, Time).ApplyAsync("YI", App);
        Assert.True(d.Granted, d.Reason);
        await using var c = await ds.OpenConnectionAsync();
        var x = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(
            """
            INSERT INTO assistance_application (psn_no, admdvs, application_date, identity_start, status, basic, tilted, total,
                trace, entry_id, decided_at)
            VALUES ('YI', '210800', '2025-04-01', '2025-03-01', 'granted', 1, 0, 1, '', 42, now())
            """));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, x.SqlState);
    }
}
