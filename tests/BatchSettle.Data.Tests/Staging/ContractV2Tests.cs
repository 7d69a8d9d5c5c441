using BatchSettle.Core.Settlement;
using BatchSettle.Data.Explain;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;

namespace BatchSettle.Data.Tests.Staging;

/// <summary>
/// CONTRACT.md v2 through load and run: v1 files load unchanged and read as the defaults; the v2 columns load; the
/// persons key is (psn_no, year, insutype), so a resident who joins employee insurance has two rows in one year (EL-01).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ContractV2Tests(PostgresFixture pg)
{
    private const string PersonsV2Header = TestData.PersonsHeader + ",university,maternity_insured,arrears_from,arrears_paid";
    private const string ClaimsV2Header = TestData.ClaimsHeader + ",dise_qualified,high_value_drug";

    [Fact]
    public async Task Load_V1Files_LoadUnchangedWithTheV2Defaults()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(3);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, TimeProvider.System);
        var p = await loader.LoadPersonsAsync(persons);
        var c = await loader.LoadClaimsAsync(claims);
        Assert.Equal((p.Rows, 0), (p.Inserted, p.Rejected));
        Assert.Equal((c.Rows, 0), (c.Inserted, c.Rejected));
        await using var conn = ds.OpenConnection();
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM staging_person WHERE university OR NOT maternity_insured OR arrears_from IS NOT NULL OR arrears_paid IS NOT NULL"));
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM staging_claim WHERE dise_qualified OR high_value_drug"));
    }

    [Fact]
    [Trait("Rule", "EL-01")]
    public async Task Run_TwoRowsInOneYearAndV2Columns_SettledAsTheContractSays()
    {
        using var data = new TestData();
        // R1: resident (centralised 2025) who joins employee insurance mid-year: 310 row paid 2025-04-20 → employee from
        // 2025-05-01. V1: a university student; V2: an employee with arrears from 2025-01-10, not paid.
        var persons = data.Write("persons.csv", PersonsV2Header,
        [
            "R1,210500,390,1980-05-01,2025,centralised,2024-12-01,,0,0,5,0,,,false,,,,",
            "R1,210500,310,1980-05-01,2025,mid_year,2025-04-20,,0,0,1,0,2025-04-20,,false,,,,",
            "U1,210500,390,2004-05-01,2025,centralised,2024-12-01,,0,0,5,0,,,false,true,,,",
            "A1,210500,310,1980-05-01,2025,centralised,2024-12-01,,0,0,5,0,2025-01-10,,false,,true,2025-01-10,",
        ]);
        string V1(string line) => line + ",,";
        var claims = data.Write("claims.csv", ClaimsV2Header,
        [
            V1(TestData.Claim("R1-RES-APR", "R1", "2025-04-10", 10_000m)),
            V1(TestData.Claim("R1-RES-JUN", "R1", "2025-06-10", 10_000m)),
            V1(TestData.Claim("R1-EMP-JUN", "R1", "2025-06-12", 10_000m, insutype: "310")),
            V1(TestData.Claim("A1-MAR", "A1", "2025-03-10", 10_000m, insutype: "310")),
            TestData.Claim("U1-HVD", "U1", "2025-03-10", 10_000m) + ",false,true",
        ]);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, TimeProvider.System);
        var pl = await loader.LoadPersonsAsync(persons);
        Assert.Equal(4, pl.Inserted);
        await loader.LoadClaimsAsync(claims);

        var summary = await new BatchRunner(ds, TimeProvider.System).RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 1 });

        Assert.True(summary.Succeeded, summary.Format());
        await using var conn = ds.OpenConnection();
        async Task<(string Status, string? Reason, long Hifp)> R(string id) =>
            await conn.QuerySingleAsync<(string, string?, long)>("SELECT status, reason, hifp_pay FROM settlement_result WHERE setl_id = @id", new { id });
        // Benxi resident tertiary: (10,000 − 800) × 65% = 5,980 (April, before the employee start).
        Assert.Equal(("settled", null, 598_000L), await R("R1-RES-APR"));
        // June: resident benefits ended on 2025-05-01 (EL-01).
        Assert.Equal(("rejected", "EL-01", 0L), await R("R1-RES-JUN"));
        // June as an employee (BX-EMP-01, assumed). POLICY EL-01 keeps the two rows' §6 totals apart: the employee row's
        // 1st in-city admission, deductible 800: (10,000 − 800) × 88% = 8,096. (Session 3 keyed the accumulators by
        // (psn_no, year): the resident April admission counted as the 1st and this one got the 2nd admission's
        // deductible, (10,000 − 600) × 88% = 8,272 — the bug, fixed by migration 070.)
        Assert.Equal(("settled", null, 809_600L), await R("R1-EMP-JUN"));
        // A1: arrears from 2025-01-10, not paid → benefits stopped from 2025-02-01: rejected EL-01.
        Assert.Equal(("rejected", "EL-01", 0L), await R("A1-MAR"));
        Assert.Equal("settled", (await R("U1-HVD")).Status);
        Assert.True(await conn.ExecuteScalarAsync<bool>("SELECT high_value_drug FROM staging_claim WHERE setl_id = 'U1-HVD'"));
        Assert.True(await conn.ExecuteScalarAsync<bool>("SELECT university FROM staging_person WHERE psn_no = 'U1'"));
        // Run summary counts the stated (superseded text) settlements separately (none here: no CHR-01 / BX-MT-01).
        Assert.Contains("with a stated (superseded text) parameter 0", summary.Format(), StringComparison.Ordinal);
    }

    private static string Batch2(string claimLine) => "210500-2025-07" + claimLine[TestData.Batch.Length..];

    private static async Task<Dictionary<string, long[]>> AccumulatorsAsync(Npgsql.NpgsqlConnection conn, string psn) =>
        (await conn.QueryAsync<(string Insutype, long[] Acc)>(
            "SELECT insutype, acc FROM accumulator WHERE psn_no = @psn AND year = 2025 ORDER BY insutype", new { psn }))
        .ToDictionary(a => a.Insutype, a => a.Acc);

    private static long Slot(long[] acc, int slot) => slot < acc.Length ? acc[slot] : 0;

    [Fact]
    [Trait("Rule", "EL-01")]
    public async Task Run_TwoInsutypesInOneYear_SeparateRowsSharedBurden_ReversalRollsBackOnlyItsInsutype()
    {
        using var data = new TestData();
        // R1: Benxi resident (390, centralised 2025) who joins employee insurance: 310 row mid_year paid 2025-04-20 →
        // employee from 2025-05-01. The §6/§7 totals of the two rows are apart, the §9 burden is the person's (EL-01).
        var persons = data.Write("persons.csv", PersonsV2Header,
        [
            "R1,210500,390,1980-05-01,2025,centralised,2024-12-01,,0,0,5,0,,,false,,,,",
            "R1,210500,310,1980-05-01,2025,mid_year,2025-04-20,,0,0,1,0,2025-04-20,,false,,,,",
        ]);
        string V1(string line) => line + ",,";
        // Batch 1: April resident admission, tertiary 10,000: (10,000 − 800) × 65% = 5,980, burden 4,020.
        //          June employee admission, tertiary 10,000, the 310 row's 1st: (10,000 − 800) × 88% = 8,096, burden 1,904.
        var claims = data.Write("claims.csv", ClaimsV2Header,
        [
            V1(TestData.Claim("R1-RES-APR", "R1", "2025-04-10", 10_000m)),
            V1(TestData.Claim("R1-EMP-JUN", "R1", "2025-06-12", 10_000m, insutype: "310")),
        ]);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, TimeProvider.System);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var runner = new BatchRunner(ds, TimeProvider.System);
        var s1 = await runner.RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 1 });
        Assert.True(s1.Succeeded, s1.Format());
        await using var conn = ds.OpenConnection();
        async Task<(string Status, string? Reason, long Hifp)> R(string id) =>
            await conn.QuerySingleAsync<(string, string?, long)>("SELECT status, reason, hifp_pay FROM settlement_result WHERE setl_id = @id", new { id });
        Assert.Equal(("settled", null, 598_000L), await R("R1-RES-APR"));
        Assert.Equal(("settled", null, 809_600L), await R("R1-EMP-JUN"));

        var acc = await AccumulatorsAsync(conn, "R1");
        Assert.Equal(["310", "390"], acc.Keys.Order(StringComparer.Ordinal));
        // One admission and its own pooled total in each row; the person's burden 4,020 + 1,904 = 5,924 in both.
        Assert.Equal((1L, 598_000L), (Slot(acc["390"], AccSlot.LocalAdmissions), Slot(acc["390"], AccSlot.PoolPaid)));
        Assert.Equal((1L, 809_600L), (Slot(acc["310"], AccSlot.LocalAdmissions), Slot(acc["310"], AccSlot.PoolPaid)));
        Assert.Equal((592_400L, 592_400L), (Slot(acc["390"], AccSlot.WarningBurden), Slot(acc["310"], AccSlot.WarningBurden)));

        // Batch 2 (a later month, so the stored rows are read back): the employee claim reversed (red ink, its delta
        // rolled back from the 310 row, the burden from both rows); a reversal naming the resident claim under
        // insutype 310 is quarantined (its running totals are the 390 row's); then another employee admission,
        // again the 310 row's 1st: 8,096, burden 1,904.
        var claims2 = data.Write("claims2.csv", ClaimsV2Header,
        [
            V1(Batch2(TestData.Claim("R1-EMP-REV", "R1", "2025-07-01", -10_000m, insutype: "310", reversalOf: "R1-EMP-JUN"))),
            V1(Batch2(TestData.Claim("R1-BAD-REV", "R1", "2025-07-02", -10_000m, insutype: "310", reversalOf: "R1-RES-APR"))),
            V1(Batch2(TestData.Claim("R1-EMP-AUG", "R1", "2025-08-05", 10_000m, insutype: "310"))),
        ]);
        await loader.LoadClaimsAsync(claims2);
        var s2 = await runner.RunBatchAsync("210500-2025-07", new BatchRunOptions { Partitions = 1 });
        Assert.True(s2.Succeeded, s2.Format());
        Assert.Equal(("settled", "REVERSAL", -809_600L), await R("R1-EMP-REV"));
        Assert.Equal("quarantined", (await R("R1-BAD-REV")).Status);
        Assert.Contains("insutype", await conn.ExecuteScalarAsync<string>(
            "SELECT string_agg(field || ': ' || reason, '; ') FROM quarantine WHERE setl_id = 'R1-BAD-REV'"), StringComparison.Ordinal);
        Assert.Equal(("settled", null, 809_600L), await R("R1-EMP-AUG"));

        acc = await AccumulatorsAsync(conn, "R1");
        // 390 untouched by the employee reversal; 310: 1 − 1 + 1 = 1 admission, 8,096 − 8,096 + 8,096; burden
        // 5,924 − 1,904 + 1,904 = 5,924 in both rows.
        Assert.Equal((1L, 598_000L), (Slot(acc["390"], AccSlot.LocalAdmissions), Slot(acc["390"], AccSlot.PoolPaid)));
        Assert.Equal((1L, 809_600L), (Slot(acc["310"], AccSlot.LocalAdmissions), Slot(acc["310"], AccSlot.PoolPaid)));
        Assert.Equal((592_400L, 592_400L), (Slot(acc["390"], AccSlot.WarningBurden), Slot(acc["310"], AccSlot.WarningBurden)));
        for (int i = 0; i < AccSlot.Count; i++)
        {
            if (AccSlot.PersonLevel(i)) Assert.Equal(Slot(acc["390"], i), Slot(acc["310"], i));
        }
    }

    [Fact]
    [Trait("Rule", "CHR-01")]
    public async Task Explain_ShowsTheSupersededTextLabel_AndTheRunCountsIt()
    {
        using var data = new TestData();
        var persons = data.Write("persons.csv", TestData.PersonsHeader, [TestData.Person("C1")]);
        var claims = data.Write("claims.csv", TestData.ClaimsHeader,
            [TestData.Claim("CHR-1", "C1", "2025-03-10", 1_300m, medType: "14").Replace(",I10,,,false,false,", ",I10,chronic:cancer_drug,,false,false,", StringComparison.Ordinal)]);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, TimeProvider.System);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var summary = await new BatchRunner(ds, TimeProvider.System).RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 1 });
        Assert.True(summary.Succeeded, summary.Format());
        Assert.Equal(1, summary.SupersededParams);
        string text = (await new ExplainQuery(ds).ExplainAsync("CHR-1"))!;
        Assert.Contains("stated (superseded text) parameters: yes", text, StringComparison.Ordinal);
        Assert.Contains("(stated (superseded text); 本医保发〔2019〕39号 第三章第十八条(二)、第十九条(三), old text [000:187]; CHR-01)", text, StringComparison.Ordinal);
    }
}
