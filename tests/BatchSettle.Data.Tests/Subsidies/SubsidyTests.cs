using BatchSettle.Core.Domain;
using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Subsidies;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Subsidies;

/// <summary>
/// §11 premium subsidies (PS-01) posted to the ledger. Hand computations from POLICY.md §11 and sql/policy/params.csv:
/// personal resident premium 2023–2024 = 380.00 (ps.premium, id 191). Identities and parameters are resolved on the
/// identity date = paid_date clamped into the insurance year (centralised collection in 2023 → 2024-01-01).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SubsidyTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;

    private static string P(string psn, string admdvs, string hardship, int year = 2024, string insutype = "390",
        string kind = "centralised", string? paid = null) =>
        $"{psn},{admdvs},{insutype},1960-05-01,{year},{kind},{paid ?? $"{year - 1}-12-01"},,0,0,5,0,,{hardship},false";

    /// <summary>
    /// Benxi 210500 (PS-01 v2: from 2023 the city pays all: everything on subsidy_expense_city), 2024:
    ///   BT     T                         100%            380.00
    ///   BO     O                         100%            380.00
    ///   BD     D                         100% (assumed)  380.00
    ///   BMID   D from 2024-03-01, mid-year enrolment paid 2024-05-10: D held on 2024-05-10 → 380.00
    ///   BMULTI N and T: most favourable T 100%           380.00
    ///   BE     E                         60% from 2023   228.00   (380 × 6000 / 10000)
    ///   BN     N                         60% from 2023   228.00
    ///   BI     I only: no subsidy; BEL E from 2024-03-01, paid 2023-12-01 → not held on 2024-01-01: no subsidy
    ///   BBAD   unreadable hardship (written to staging directly): bad input; BEMP employee, BNONE no hardship: not considered
    ///   → T 2 × 380 = 760.00, O 380.00, D 2 × 380 = 760.00, E 228.00, N 228.00; 7 persons, 2,356.00.
    /// Yingkou 210800 (city : county = 3 : 7, county the remainder), 2024:
    ///   YT T 100% 380.00 = 114.00 + 266.00;  YS S (as D) 100% 380.00 = 114.00 + 266.00
    ///   YM M 100% 380.00 = 114.00 + 266.00;  YF F 100% 380.00 = 114.00 + 266.00
    ///   YE E 60% 228.00 = 68.40 (22800 × 3000 / 10000 = 6840) + 159.60
    ///   YN N 60% 228.00 = 68.40 + 159.60
    ///   → 6 persons, 1,976.00 = city 592.80 + county 1,383.20.
    /// </summary>
    private static async Task<NpgsqlDataSource> LoadedAsync(PostgresFixture pg, TestData data)
    {
        string persons = data.Write("persons.csv", TestData.PersonsHeader,
        [
            P("BT", "210500", "T:2023-01-01"),
            P("BO", "210500", "O:2020-05-01"),
            P("BD", "210500", "D:2023-06-01"),
            P("BMID", "210500", "D:2024-03-01", kind: "mid_year", paid: "2024-05-10"),
            P("BMULTI", "210500", "N:2023-01-01;T:2023-02-01"),
            P("BE", "210500", "E:2022-01-01"),
            P("BN", "210500", "N:2023-01-01"),
            P("BI", "210500", "I:2023-01-01"),
            P("BEL", "210500", "E:2024-03-01"),
            P("BEMP", "210500", "T:2023-01-01", insutype: "310"),
            P("BNONE", "210500", ""),
            P("BT", "210500", "T:2023-01-01", year: 2025),
            P("YT", "210800", "T:2023-01-01"),
            P("YS", "210800", "S:2023-01-01"),
            P("YM", "210800", "M:2023-01-01"),
            P("YF", "210800", "F:2023-01-01"),
            P("YE", "210800", "E:2023-01-01"),
            P("YN", "210800", "N:2023-01-01"),
        ]);
        var ds = await pg.NewDatabaseAsync();
        await new StagingLoader(ds, Time).LoadPersonsAsync(persons);
        // The loader refuses an unreadable hardship cell; an upstream system writing staging_person directly may not.
        await using var c = await ds.OpenConnectionAsync();
        await c.ExecuteAsync(
            """
            INSERT INTO staging_person (psn_no, admdvs, insutype, brdy, year, enrol_kind, paid_date, hardship, psn_hash,
                                        source_file, source_line, loaded_at)
            VALUES ('BBAD', '210500', '390', '1960-05-01', 2024, 'centralised', '2023-12-01', 'X:2023-01-01', 0, 'upstream', 1, now())
            """);
        return ds;
    }

    [Fact]
    [Trait("Rule", "PS-01")]
    public async Task Post_Benxi2024_AmountsPerCategoryAsHandComputed()
    {
        using var data = new TestData();
        await using var ds = await LoadedAsync(pg, data);

        var r = await new SubsidyPoster(ds, Time).PostAsync(Region.Benxi, 2024);

        Assert.NotNull(r.RunId);
        Assert.Equal(10, r.Considered);
        Assert.Equal(7, r.Posted);
        Assert.Equal(2, r.NoSubsidy);
        Assert.Equal(1, r.BadInput);
        Assert.Equal(0, r.MissingParam);
        Assert.Equal(0, r.AlreadyPosted);
        Assert.Contains(r.BadRows, b => b.StartsWith("BBAD 2024: hardship:", StringComparison.Ordinal));
        Assert.Equal(2, r.PostedAssumed); // Benxi D is assumed (BD, BMID)
        Assert.Equal(
            [new("D", 2, 76_000, 76_000, 0), new("E", 1, 22_800, 22_800, 0), new("N", 1, 22_800, 22_800, 0),
             new("O", 1, 38_000, 38_000, 0), new("T", 2, 76_000, 76_000, 0)],
            r.New);
        Assert.Equal(r.New, r.OnBooks);
        await using var c = await ds.OpenConnectionAsync();
        var rows = (await c.QueryAsync<(string Psn, string Cat, long Amount, int Pct)>(
            "SELECT psn_no, category, amount, pct_bp FROM premium_subsidy ORDER BY psn_no")).ToList();
        Assert.Equal(
            [("BD", "D", 38_000L, 10_000), ("BE", "E", 22_800L, 6_000), ("BMID", "D", 38_000L, 10_000),
             ("BMULTI", "T", 38_000L, 10_000), ("BN", "N", 22_800L, 6_000), ("BO", "O", 38_000L, 10_000),
             ("BT", "T", 38_000L, 10_000)],
            rows);
        Assert.Equal(new DateOnly(2024, 5, 10), await c.ExecuteScalarAsync<DateOnly>(
            "SELECT identity_date FROM premium_subsidy WHERE psn_no = 'BMID'"));
        // Benxi (PS-01 v2): from 2023 the city-level assistance fund pays all of it [000:195]: one debit
        // subsidy_expense_city (the county's zero share posts no line), one credit premium_receivable, both 610100.
        var lines = (await c.QueryAsync<(int LineNo, string Account, string Fund, string Kind, string? Fac, long Debit, long Credit)>(
            """
            SELECT l.line_no, l.account, l.fund_pay_type, l.kind, l.fixmedins_code, l.debit, l.credit
            FROM ledger_line l JOIN premium_subsidy s ON s.entry_id = l.entry_id WHERE s.psn_no = 'BE' ORDER BY l.line_no
            """)).ToList();
        Assert.Equal(
            [(1, "subsidy_expense_city", "610100", "subsidy", null, 22_800L, 0L), (3, "premium_receivable", "610100", "subsidy", null, 0L, 22_800L)],
            lines);
        Assert.Equal("subsidy-210500-2024", await c.ExecuteScalarAsync<string>("SELECT DISTINCT batch_id FROM ledger_line"));
    }

    [Fact]
    [Trait("Rule", "PS-01")]
    public async Task Post_Yingkou2024_SplitCity3County7AsTwoDebitLines()
    {
        using var data = new TestData();
        await using var ds = await LoadedAsync(pg, data);

        var r = await new SubsidyPoster(ds, Time).PostAsync(Region.Yingkou, 2024);

        Assert.Equal(6, r.Posted);
        Assert.Equal(0, r.PostedAssumed);
        Assert.Equal(
            [new("E", 1, 22_800, 6_840, 15_960), new("F", 1, 38_000, 11_400, 26_600), new("M", 1, 38_000, 11_400, 26_600),
             new("N", 1, 22_800, 6_840, 15_960), new("S", 1, 38_000, 11_400, 26_600), new("T", 1, 38_000, 11_400, 26_600)],
            r.New);
        Assert.Equal(197_600, r.New.Sum(x => x.Amount));
        Assert.Equal(59_280, r.New.Sum(x => x.City));
        Assert.Equal(138_320, r.New.Sum(x => x.County));
        await using var c = await ds.OpenConnectionAsync();
        var lines = (await c.QueryAsync<(int LineNo, string Account, long Debit, long Credit)>(
            """
            SELECT l.line_no, l.account, l.debit, l.credit
            FROM ledger_line l JOIN premium_subsidy s ON s.entry_id = l.entry_id WHERE s.psn_no = 'YE' ORDER BY l.line_no
            """)).ToList();
        Assert.Equal(
            [(1, "subsidy_expense_city", 6_840L, 0L), (2, "subsidy_expense_county", 15_960L, 0L), (3, "premium_receivable", 0L, 22_800L)],
            lines);
        string text = r.Format();
        Assert.Contains("total", text, StringComparison.Ordinal);
        Assert.Contains("1976.00", text, StringComparison.Ordinal);
        Assert.Contains("592.80", text, StringComparison.Ordinal);
        Assert.Contains("1383.20", text, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "PS-01")]
    public async Task Post_Rerun_PostsNothingNewAndSaysSo()
    {
        using var data = new TestData();
        await using var ds = await LoadedAsync(pg, data);
        var poster = new SubsidyPoster(ds, Time);
        var first = await poster.PostAsync(Region.Yingkou, 2024);
        await using var c = await ds.OpenConnectionAsync();
        long lines = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM ledger_line");

        var second = await poster.PostAsync(Region.Yingkou, 2024);

        Assert.Equal(6, first.Posted);
        Assert.Null(second.RunId);
        Assert.Equal(0, second.Posted);
        Assert.Equal(6, second.AlreadyPosted);
        Assert.Equal(first.OnBooks, second.OnBooks);
        Assert.Contains("nothing new to post (6 person-years already posted)", second.Format(), StringComparison.Ordinal);
        Assert.Equal(lines, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM ledger_line"));
        Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM subsidy_run"));
    }

    [Fact]
    [Trait("Rule", "PS-01")]
    public async Task Post_NewPersonLoadedLater_OnlyThatOneIsPosted()
    {
        using var data = new TestData();
        await using var ds = await LoadedAsync(pg, data);
        var poster = new SubsidyPoster(ds, Time);
        await poster.PostAsync(Region.Yingkou, 2024);
        string more = data.Write("more.csv", TestData.PersonsHeader, [P("YO", "210800", "O:2023-01-01")]);
        await new StagingLoader(ds, Time).LoadPersonsAsync(more);

        var second = await poster.PostAsync(Region.Yingkou, 2024);

        Assert.Equal(1, second.Posted);
        Assert.Equal(6, second.AlreadyPosted);
        Assert.Equal([new("O", 1, 38_000, 11_400, 26_600)], second.New);
        Assert.Equal(7, second.OnBooks.Sum(x => x.Count));
    }

    [Fact]
    [Trait("Rule", "PS-01")]
    public async Task Post_ConcurrentRuns_PostEachPersonYearOnce()
    {
        using var data = new TestData();
        await using var ds = await LoadedAsync(pg, data);

        var all = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => new SubsidyPoster(ds, Time).PostAsync(Region.Yingkou, 2024)));

        Assert.Equal(6, all.Sum(r => r.Posted));
        await using var c = await ds.OpenConnectionAsync();
        Assert.Equal(6, await c.ExecuteScalarAsync<long>("SELECT count(DISTINCT entry_id) FROM ledger_line"));
    }

    [Fact]
    [Trait("Rule", "PS-01")]
    public async Task Post_2025WithoutPremiumParameter_PostsNothingAndNamesTheParameter()
    {
        using var data = new TestData();
        await using var ds = await LoadedAsync(pg, data);

        var r = await new SubsidyPoster(ds, Time).PostAsync(Region.Benxi, 2025);

        Assert.Null(r.RunId);
        Assert.Equal(1, r.MissingParam);
        Assert.Contains(r.MissingReasons.Keys, k => k.Contains("ps.premium", StringComparison.Ordinal));
        await using var c = await ds.OpenConnectionAsync();
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM ledger_line"));
    }

    [Fact]
    public async Task Ledger_AfterSubsidiesAndABatch_BalancedAndEachReconciles()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(8);
        await using var ds = await LoadedAsync(pg, data);
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        Assert.True((await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions())).Succeeded);
        await new SubsidyPoster(ds, Time).PostAsync(Region.Benxi, 2024);
        await new SubsidyPoster(ds, Time).PostAsync(Region.Yingkou, 2024);
        await using var c = await ds.OpenConnectionAsync();

        var total = await c.QuerySingleAsync<(long Debits, long Credits)>("SELECT sum(debit)::bigint, sum(credit)::bigint FROM ledger_line");
        var batch = await new Reconciler(ds).ReconcileAsync(TestData.Batch);
        var bx = await new SubsidyReconciler(ds).ReconcileAsync("210500", 2024);
        var yk = await new SubsidyReconciler(ds).ReconcileAsync("210800", 2024);

        Assert.Equal(total.Debits, total.Credits);
        Assert.True(batch.Balanced, string.Join("\n", batch.Differences));
        Assert.True(bx.Balanced, string.Join("\n", bx.Differences));
        Assert.True(yk.Balanced, string.Join("\n", yk.Differences));
        Assert.Equal(235_600, bx.Categories.Sum(x => x.Amount));
        Assert.Equal(197_600, yk.Categories.Sum(x => x.Debits));
        Assert.DoesNotContain(batch.Funds, f => f.Debits != f.Results);
        Assert.Contains("total", yk.Format(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_TamperedSubsidyEntry_ReportsCategoryEntryAndTrialBalance()
    {
        using var data = new TestData();
        await using var ds = await LoadedAsync(pg, data);
        await new SubsidyPoster(ds, Time).PostAsync(Region.Yingkou, 2024);
        await using var c = await ds.OpenConnectionAsync();
        // One extra fen on the county line of YE's entry: the entry no longer balances.
        await c.ExecuteAsync(
            """
            INSERT INTO ledger_line (entry_id, line_no, setl_id, run_id, batch_id, kind, posted_at, account, fund_pay_type, fixmedins_code, debit, credit)
            SELECT l.entry_id, 9, NULL, l.run_id, l.batch_id, l.kind, l.posted_at, 'subsidy_expense_county', '610100', NULL, 1, 0
            FROM ledger_line l JOIN premium_subsidy s ON s.entry_id = l.entry_id WHERE s.psn_no = 'YE' AND l.line_no = 1
            """);

        var r = await new SubsidyReconciler(ds).ReconcileAsync("210800", 2024);

        Assert.False(r.Balanced);
        Assert.Contains(r.Differences, d => d.StartsWith("category E:", StringComparison.Ordinal));
        Assert.Contains(r.Differences, d => d.StartsWith("subsidy YE 2024", StringComparison.Ordinal));
        Assert.Contains(r.Differences, d => d.Contains("unbalanced", StringComparison.Ordinal));
        Assert.Contains(r.Differences, d => d.Contains("trial balance", StringComparison.Ordinal));
        Assert.Contains("DIFFERENCE", r.Format(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PremiumSubsidy_UpdateOrDelete_RefusedByDatabase()
    {
        using var data = new TestData();
        await using var ds = await LoadedAsync(pg, data);
        await new SubsidyPoster(ds, Time).PostAsync(Region.Yingkou, 2024);
        await using var c = await ds.OpenConnectionAsync();

        var e = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync("DELETE FROM premium_subsidy WHERE psn_no = 'YT'"));

        Assert.Contains("append-only", e.MessageText, StringComparison.Ordinal);
    }
}
