using BatchSettle.Data.Assistance;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Assistance;

/// <summary>
/// A granted YK-MA-09 application feeds the year's assistance running totals of the claims settled after it
/// (docs/INTERPRETATIONS.md §8 "YK-MA-09", "Running totals"). Two Yingkou residents with the same history: category I
/// from 2024-01-01, E from 2025-05-01. March batch: one 2,000,000-yuan admission each (settled under I alone: no
/// per-claim assistance; the pooled cap 60,000 and the 大病 cap 400,000 + 4,000 incentive are used up, so the burden
/// left is far above what the caps need). Only "YIE" applies, on 2025-05-10 (window 2024-05-10 .. 2025-05-09).
/// Hand computation, I rows (YK-MA-04 / 05): basic min((B − 5,000) × 50%, 20,000) = 20,000 (B ≥ 45,000);
/// tilted min((B − 20,000 − 10,000) × 50%, 15,000) = 15,000 (B ≥ 60,000). Grant 35,000, all in 2025.
/// June batch: a 20,000-yuan admission each, held E (and I); no pooled or 大病 fund left, so burden = 20,000.
/// E rows: basic (20,000 − 2,000) × 60% = 10,800, tilted on 20,000 − basic paid: (… − 5,000) × 60%, caps 20,000 / 18,000.
/// - YIE (grant in the totals): basic room 20,000 − 20,000 = 0 → basic 0; tilted base 20,000 → (20,000 − 5,000) × 60% =
///   9,000, room 18,000 − 15,000 = 3,000 → tilted 3,000. Assistance 3,000.00.
/// - YNO (no application): basic 10,800; tilted base 20,000 − 10,800 = 9,200 → (9,200 − 5,000) × 60% = 2,520.
///   Assistance 13,320.00.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GrantRunningTotalsTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;
    private const string March = "210800-2025-03";
    private const string June = "210800-2025-06";
    private const string July = "210800-2025-07";

    private static string P(string psn) =>
        $"{psn},210800,390,1960-05-01,2025,centralised,2024-12-01,,0,0,5,0,,I:2024-01-01;E:2025-05-01,false";

    private static string C(string batch, string setl, string psn, string end, decimal inscp) =>
        batch + TestData.Claim(setl, psn, end, inscp, admdvs: "210800")[TestData.Batch.Length..];

    private static async Task<long[]> AccAsync(NpgsqlConnection c, string psn) =>
        await c.ExecuteScalarAsync<long[]>("SELECT acc FROM accumulator WHERE psn_no = @psn AND year = 2025", new { psn }) ?? [];

    private static long Slot(long[] acc, string name) =>
        Array.IndexOf(BatchSettle.Core.Settlement.AccSlot.Names.ToArray(), name) is var i and >= 0 && i < acc.Length ? acc[i] : 0;

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public async Task Grant_FeedsTheYearsTotals_ForClaimsSettledAfter_Once_AndNeverTheSettledOnes()
    {
        using var data = new TestData();
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(data.Write("persons.csv", TestData.PersonsHeader, [P("YIE"), P("YNO")]));
        await loader.LoadClaimsAsync(data.Write("claims.csv", TestData.ClaimsHeader,
            [C(March, "M-YIE", "YIE", "2025-03-10", 2_000_000m), C(March, "M-YNO", "YNO", "2025-03-10", 2_000_000m)]));
        var runner = new BatchRunner(ds, Time);
        Assert.True((await runner.RunBatchAsync(March, new BatchRunOptions { Partitions = 1, Parallelism = 1 })).Succeeded);

        await using var c = await ds.OpenConnectionAsync();
        const string Snapshot = "SELECT string_agg(r::text, '|' ORDER BY r.setl_id) FROM settlement_result r WHERE batch_id = @b";
        string marchBefore = await c.ExecuteScalarAsync<string>(Snapshot, new { b = March }) ?? "";
        long burden = await c.ExecuteScalarAsync<long>(
            "SELECT inscp_scp_amt - hifp_pay - hifmi_pay - hifob_pay FROM settlement_result WHERE setl_id = 'M-YIE'");
        Assert.True(burden >= 6_000_000, $"the window burden must reach both I caps: {burden}");
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT sum(maf_pay) FROM settlement_result WHERE batch_id = @b", new { b = March }));
        var accBefore = await AccAsync(c, "YIE");
        Assert.Equal(0, Slot(accBefore, "assist_basic_paid"));

        // The June claims are staged, and a July claim of YIE. A run of a batch with claims of the applicant that is in
        // progress refuses the application (it read the accumulators before and would write over the grant).
        await loader.LoadClaimsAsync(data.Write("claims2.csv", TestData.ClaimsHeader,
            [C(June, "J-YIE", "YIE", "2025-06-10", 20_000m), C(June, "J-YNO", "YNO", "2025-06-10", 20_000m),
             C(July, "L-YIE", "YIE", "2025-07-10", 1_000m)]));
        long fake = await c.ExecuteScalarAsync<long>(
            "INSERT INTO run (batch_id, status, partitions, created_at, started_at) VALUES (@b, 'running', 1, now(), now()) RETURNING run_id",
            new { b = July });
        var svc = new AssistanceApplicationService(ds, Time);
        var busy = await Assert.ThrowsAsync<InvalidOperationException>(() => svc.ApplyAsync("YIE", new DateOnly(2025, 5, 10)));
        Assert.Contains(July, busy.Message, StringComparison.Ordinal);
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM assistance_application"));
        await c.ExecuteAsync("UPDATE run SET status = 'failed', error = 'test: not a real run' WHERE run_id = @fake", new { fake });

        // Same transaction: when the accumulator cannot be moved, neither the decision nor its ledger entry is kept.
        await c.ExecuteAsync(
            """
            CREATE FUNCTION test_acc_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test: accumulator refused'; END $$;
            CREATE TRIGGER test_acc_fail BEFORE UPDATE ON accumulator FOR EACH ROW EXECUTE FUNCTION test_acc_fail();
            """);
        var failed = await Assert.ThrowsAsync<PostgresException>(() => svc.ApplyAsync("YIE", new DateOnly(2025, 5, 10)));
        Assert.Contains("accumulator refused", failed.MessageText, StringComparison.Ordinal);
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM assistance_application"));
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM ledger_line WHERE kind = 'assistance_application'"));
        await c.ExecuteAsync("DROP TRIGGER test_acc_fail ON accumulator; DROP FUNCTION test_acc_fail();");

        var d = await svc.ApplyAsync("YIE", new DateOnly(2025, 5, 10));
        Assert.True(d.Granted, d.Reason);
        Assert.Equal(2_000_000, d.Basic);
        Assert.Equal(1_500_000, d.Tilted);
        Assert.Contains("join 2025's assistance paid totals", d.Trace, StringComparison.Ordinal);
        var accAfter = await AccAsync(c, "YIE");
        Assert.Equal(2_000_000, Slot(accAfter, "assist_basic_paid"));
        Assert.Equal(1_500_000, Slot(accAfter, "assist_tilt_paid"));
        // Only the two paid slots moved.
        for (int i = 0; i < Math.Max(accBefore.Length, accAfter.Length); i++)
        {
            string name = BatchSettle.Core.Settlement.AccSlot.Names[i];
            if (name is "assist_basic_paid" or "assist_tilt_paid") continue;
            Assert.Equal(i < accBefore.Length ? accBefore[i] : 0, i < accAfter.Length ? accAfter[i] : 0);
        }
        Assert.Equal((2025, 2_000_000L, 1_500_000L), await c.QuerySingleAsync<(int, long, long)>(
            "SELECT year, basic, tilted FROM assistance_application_year WHERE application_id = @id", new { id = d.ApplicationId }));

        // Exactly once: a second application is refused and moves nothing.
        var again = await svc.ApplyAsync("YIE", new DateOnly(2025, 5, 20));
        Assert.False(again.Granted);
        Assert.Equal(accAfter, await AccAsync(c, "YIE"));
        // Claims settled before the grant are not touched.
        Assert.Equal(marchBefore, await c.ExecuteScalarAsync<string>(Snapshot, new { b = March }));

        var juneRun = await runner.RunBatchAsync(June, new BatchRunOptions { Partitions = 1, Parallelism = 1 });
        Assert.True(juneRun.Succeeded, juneRun.Error);
        var june = (await c.QueryAsync<(string Setl, long Hifp, long Hifmi, long Maf, long Tilt)>(
            "SELECT setl_id, hifp_pay, hifmi_pay, maf_pay, maf_tilted_pay FROM settlement_result WHERE batch_id = @b ORDER BY setl_id",
            new { b = June })).ToList();
        Assert.Equal([("J-YIE", 0L, 0L, 300_000L, 300_000L), ("J-YNO", 0L, 0L, 1_332_000L, 252_000L)], june);
        var accJune = await AccAsync(c, "YIE");
        Assert.Equal(2_000_000, Slot(accJune, "assist_basic_paid"));
        Assert.Equal(1_800_000, Slot(accJune, "assist_tilt_paid"));
    }
    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public async Task Grant_ToAPersonWithTwoInsutypesInTheYear_MovesBothRowsPersonLevelSlots()
    {
        // Y2: Yingkou resident (390, centralised) who joins employee insurance (310 mid_year paid 2025-02-10 → employee
        // from 2025-03-01); both rows hold I from 2024 and E from 2025-05-01. February resident stay 2,000,000 and March
        // employee visit 1,000: both rows of 2025 are stored. The application of 2025-05-10 grants I's caps (basic
        // 20,000, tilted 15,000, as above): assistance paid is the person's (EL-01, §8), so both rows' paid slots move by
        // exactly that and nothing else moves. A June employee stay then finds E's basic cap (20,000) used by the grant:
        // basic 0; tilted at most E's 18,000 − 15,000 = 3,000.
        const string Feb = "210800-2025-02";
        const string Hardship = "I:2024-01-01;E:2025-05-01";
        using var data = new TestData();
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(data.Write("persons.csv", TestData.PersonsHeader,
        [
            $"Y2,210800,390,1960-05-01,2025,centralised,2024-12-01,,0,0,5,0,,{Hardship},false",
            $"Y2,210800,310,1960-05-01,2025,mid_year,2025-02-10,,0,0,1,0,2025-02-10,{Hardship},false",
        ]));
        await loader.LoadClaimsAsync(data.Write("claims.csv", TestData.ClaimsHeader,
        [
            C(Feb, "F-R", "Y2", "2025-02-20", 2_000_000m),
            Feb + TestData.Claim("F-E", "Y2", "2025-03-10", 1_000m, admdvs: "210800", insutype: "310")[TestData.Batch.Length..],
        ]));
        var runner = new BatchRunner(ds, Time);
        Assert.True((await runner.RunBatchAsync(Feb, new BatchRunOptions { Partitions = 1, Parallelism = 1 })).Succeeded);
        await using var c = await ds.OpenConnectionAsync();
        Assert.Equal(["settled", "settled"], await c.QueryAsync<string>("SELECT status FROM settlement_result ORDER BY setl_id"));
        async Task<Dictionary<string, long[]>> Rows() =>
            (await c.QueryAsync<(string I, long[] Acc)>("SELECT insutype, acc FROM accumulator WHERE psn_no = 'Y2' AND year = 2025"))
            .ToDictionary(r => r.I, r => r.Acc);
        var before = await Rows();
        Assert.Equal(["310", "390"], before.Keys.Order(StringComparer.Ordinal));

        var d = await new AssistanceApplicationService(ds, Time).ApplyAsync("Y2", new DateOnly(2025, 5, 10));
        Assert.True(d.Granted, d.Reason);
        Assert.Equal((2_000_000L, 1_500_000L), (d.Basic, d.Tilted));
        var after = await Rows();
        foreach (var insutype in new[] { "390", "310" })
        {
            var (b, a) = (before[insutype], after[insutype]);
            for (int i = 0; i < BatchSettle.Core.Settlement.AccSlot.Count; i++)
            {
                string name = BatchSettle.Core.Settlement.AccSlot.Names[i];
                long moved = (i < a.Length ? a[i] : 0) - (i < b.Length ? b[i] : 0);
                Assert.Equal(name switch { "assist_basic_paid" => 2_000_000L, "assist_tilt_paid" => 1_500_000L, _ => 0L }, moved);
            }
        }

        const string June2 = "210800-2025-06";
        await loader.LoadClaimsAsync(data.Write("claims2.csv", TestData.ClaimsHeader,
            [June2 + TestData.Claim("J-E", "Y2", "2025-06-10", 20_000m, admdvs: "210800", insutype: "310")[TestData.Batch.Length..]]));
        Assert.True((await runner.RunBatchAsync(June2, new BatchRunOptions { Partitions = 1, Parallelism = 1 })).Succeeded);
        var (maf, tilted) = await c.QuerySingleAsync<(long, long)>("SELECT maf_pay, maf_tilted_pay FROM settlement_result WHERE setl_id = 'J-E'");
        Assert.Equal(0, maf - tilted);
        Assert.InRange(tilted, 0, 300_000);
        var june = await Rows();
        Assert.Equal(2_000_000, Slot(june["310"], "assist_basic_paid"));
        for (int i = 0; i < BatchSettle.Core.Settlement.AccSlot.Count; i++)
        {
            if (!BatchSettle.Core.Settlement.AccSlot.PersonLevel(i)) continue;
            Assert.Equal(i < june["390"].Length ? june["390"][i] : 0, i < june["310"].Length ? june["310"][i] : 0);
        }
    }
}
