using BatchSettle.Core.Domain;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Subsidies;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Subsidies;

/// <summary>
/// Correcting a posted premium subsidy (POLICY.md §10 LG-01, §11 PS-01; migration 046). Yingkou 2024, premium 380.00,
/// city : county = 3 : 7 (county the remainder). YE holds E (60%): 228.00 = city 68.40 + county 159.60; YT holds T
/// (100%): 380.00 = 114.00 + 266.00. YE's identity was wrong: the registry is corrected to T, YE's posting is reversed
/// red-ink (−228.00 = −68.40 − 159.60, the same three lines with amounts negated) and reposted as T: 380.00 = 114.00 + 266.00.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SubsidyCorrectionTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;

    private static string P(string psn, string hardship) =>
        $"{psn},210800,390,1960-05-01,2024,centralised,2023-12-01,,0,0,5,0,,{hardship},false";

    private static Task<List<(int LineNo, string Account, string Kind, long Debit, long Credit, string Batch)>> LinesAsync(NpgsqlConnection c, long entry) =>
        c.QueryAsync<(int, string, string, long, long, string)>(
            "SELECT line_no, account, kind, debit, credit, batch_id FROM ledger_line WHERE entry_id = @entry ORDER BY line_no",
            new { entry }).ContinueWith(t => t.Result.ToList(), TaskScheduler.Default);

    [Fact]
    [Trait("Rule", "PS-01")]
    public async Task Reverse_RedInkExactNegation_OnceOnly_ThenRepost_OnlyAfterReversal_AndReconciles()
    {
        using var data = new TestData();
        await using var ds = await pg.NewDatabaseAsync();
        await new StagingLoader(ds, Time).LoadPersonsAsync(data.Write("persons.csv", TestData.PersonsHeader,
            [P("YE", "E:2023-01-01"), P("YT", "T:2023-01-01")]));
        var poster = new SubsidyPoster(ds, Time);
        var first = await poster.PostAsync(Region.Yingkou, 2024);
        Assert.Equal(2, first.Posted);
        await using var c = await ds.OpenConnectionAsync();
        long original = await c.ExecuteScalarAsync<long>("SELECT entry_id FROM premium_subsidy WHERE psn_no = 'YE'");
        var originalLines = await LinesAsync(c, original);
        Assert.Equal(
            [(1, "subsidy_expense_city", "subsidy", 6_840L, 0L, "subsidy-210800-2024"), (2, "subsidy_expense_county", "subsidy", 15_960L, 0L, "subsidy-210800-2024"),
             (3, "premium_receivable", "subsidy", 0L, 22_800L, "subsidy-210800-2024")],
            originalLines);

        var fix = new SubsidyCorrection(ds, Time);
        // Repost only after reversal.
        var early = await Assert.ThrowsAsync<InvalidOperationException>(() => fix.RepostAsync("YE", 2024));
        Assert.Contains("reverse it first", early.Message, StringComparison.Ordinal);

        var rev = await fix.ReverseAsync("YE", 2024, "identity was T, not E", "tester");
        Assert.True(rev.Posted);
        Assert.Equal((1, -22_800L, -6_840L, -15_960L), (rev.PostingNo, rev.Amount, rev.City, rev.County));
        Assert.Equal(
            [(1, "subsidy_expense_city", "subsidy_reversal", -6_840L, 0L, "subsidy-210800-2024"),
             (2, "subsidy_expense_county", "subsidy_reversal", -15_960L, 0L, "subsidy-210800-2024"),
             (3, "premium_receivable", "subsidy_reversal", 0L, -22_800L, "subsidy-210800-2024")],
            await LinesAsync(c, rev.EntryId!.Value));
        Assert.Equal(originalLines, await LinesAsync(c, original)); // the original is never touched
        Assert.Equal((original, "identity was T, not E", "tester"), await c.QuerySingleAsync<(long, string, string)>(
            "SELECT original_entry_id, reason, requested_by FROM premium_subsidy_reversal WHERE psn_no = 'YE'"));

        // Cannot reverse twice.
        var twice = await Assert.ThrowsAsync<InvalidOperationException>(() => fix.ReverseAsync("YE", 2024, "again"));
        Assert.Contains("already reversed", twice.Message, StringComparison.Ordinal);
        // Nothing posted: saying so, not agreeing.
        var none = await Assert.ThrowsAsync<InvalidOperationException>(() => fix.ReverseAsync("NOBODY", 2024, "x"));
        Assert.Contains("no premium subsidy is posted for NOBODY in 2024", none.Message, StringComparison.Ordinal);

        // A region rerun does not repost a reversed person-year (a reversal may be a plain cancellation).
        var rerun = await poster.PostAsync(Region.Yingkou, 2024);
        Assert.Equal((0L, 2L), (rerun.Posted, rerun.AlreadyPosted));
        Assert.Equal([new CategoryTotal("T", 1, 38_000, 11_400, 26_600)], rerun.OnBooks);

        // The registry is corrected; the repost computes from it.
        await c.ExecuteAsync("UPDATE staging_person SET hardship = 'T:2023-01-01' WHERE psn_no = 'YE'");
        var repost = await fix.RepostAsync("YE", 2024, "tester");
        Assert.True(repost.Posted, repost.Message);
        Assert.Equal((2, 38_000L, 11_400L, 26_600L), (repost.PostingNo, repost.Amount, repost.City, repost.County));
        Assert.Equal(
            [(1, "subsidy_expense_city", "subsidy", 11_400L, 0L, "subsidy-210800-2024"), (2, "subsidy_expense_county", "subsidy", 26_600L, 0L, "subsidy-210800-2024"),
             (3, "premium_receivable", "subsidy", 0L, 38_000L, "subsidy-210800-2024")],
            await LinesAsync(c, repost.EntryId!.Value));
        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => fix.RepostAsync("YE", 2024));
        Assert.Contains("is in force", again.Message, StringComparison.Ordinal);

        var rec = await new SubsidyReconciler(ds).ReconcileAsync("210800", 2024);
        Assert.True(rec.Balanced, string.Join("; ", rec.Differences));
        Assert.Equal([new SubsidyCategoryCheck("E", 0, 0, 0, 0), new SubsidyCategoryCheck("T", 2, 76_000, 76_000, 76_000)], rec.Categories);
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT sum(debit) - sum(credit) FROM ledger_line"));
        var books = await poster.PostAsync(Region.Yingkou, 2024);
        Assert.Equal([new CategoryTotal("T", 2, 76_000, 22_800, 53_200)], books.OnBooks);

        // Second correction cycle: posting 2 can be reversed (once) and reposted as posting 3.
        var rev2 = await fix.ReverseAsync("YE", 2024, "second look");
        Assert.Equal(2, rev2.PostingNo);
        Assert.Equal(3, (await fix.RepostAsync("YE", 2024)).PostingNo);
    }

    /// <summary>
    /// A subsidy of 2024 sits in period 2024-01. Once 2024-01 is closed the reversal is filed in the region's current
    /// open period (red ink there, linked to the original), the closed period's figures do not move, and the
    /// database still refuses anything filed into 2024-01 itself.
    /// </summary>
    [Fact]
    [Trait("Rule", "PS-01")]
    public async Task Reverse_AfterItsPeriodClosed_PostsInTheOpenPeriod_ClosedPeriodUnmoved()
    {
        using var data = new TestData();
        await using var ds = await pg.NewDatabaseAsync();
        await new StagingLoader(ds, Time).LoadPersonsAsync(data.Write("persons.csv", TestData.PersonsHeader,
            [P("YE", "E:2023-01-01"), P("YT", "T:2023-01-01")]));
        await new SubsidyPoster(ds, Time).PostAsync(Region.Yingkou, 2024);
        await using var c = await ds.OpenConnectionAsync();
        const string InPeriod = "SELECT COALESCE(sum(debit), 0)::bigint FROM settlement_subledger WHERE admdvs = '210800' AND period = @p";
        Assert.Equal(22_800L + 38_000L, await c.ExecuteScalarAsync<long>(InPeriod, new { p = "2024-01" }));
        var periods = new BatchSettle.Data.Finance.Periods(ds, Time);
        var close = await periods.CloseAsync("210800", "2024-01", "tester");
        Assert.True(close.Closed, close.Format());

        var fix = new SubsidyCorrection(ds, Time);
        // Filing into the closed period itself is refused by the database.
        var refused = await Assert.ThrowsAsync<PostgresException>(() => fix.ReverseAsync("YE", 2024, "into the closed month", "tester", "2024-01"));
        Assert.Equal(PostgresErrorCodes.ObjectNotInPrerequisiteState, refused.SqlState);
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM premium_subsidy_reversal"));

        // No open period after 2024-01 yet: the month after the last closed one.
        var rev = await fix.ReverseAsync("YE", 2024, "identity was T, not E", "tester");
        Assert.Equal("2024-02", rev.Period);
        Assert.Contains("filed in period 2024-02 (its own period 2024-01 is closed)", rev.Message, StringComparison.Ordinal);
        long original = await c.ExecuteScalarAsync<long>("SELECT entry_id FROM premium_subsidy WHERE psn_no = 'YE'");
        Assert.Equal((original, "2024-02"), await c.QuerySingleAsync<(long, string)>(
            "SELECT original_entry_id, period FROM premium_subsidy_reversal WHERE psn_no = 'YE'"));
        // Red ink in 2024-02: same accounts and sides, negative; the closed month's figures unmoved.
        Assert.Equal(
            [("subsidy_expense_city", -6_840L, 0L, "2024-02"), ("subsidy_expense_county", -15_960L, 0L, "2024-02"), ("premium_receivable", 0L, -22_800L, "2024-02")],
            (await c.QueryAsync<(string, long, long, string)>(
                "SELECT account, debit, credit, period FROM settlement_subledger WHERE entry_id = @e ORDER BY line_no", new { e = rev.EntryId })).ToList());
        Assert.Equal(22_800L + 38_000L, await c.ExecuteScalarAsync<long>(InPeriod, new { p = "2024-01" }));
        Assert.Equal(-22_800L, await c.ExecuteScalarAsync<long>(InPeriod, new { p = "2024-02" }));
        Assert.Equal("open", await c.ExecuteScalarAsync<string>("SELECT status FROM accounting_period WHERE admdvs = '210800' AND period = '2024-02'"));

        // The repost (a supplementary entry) goes to the earliest open period after 2024-01, here 2024-02.
        await c.ExecuteAsync("UPDATE staging_person SET hardship = 'T:2023-01-01' WHERE psn_no = 'YE'");
        await periods.OpenAsync("210800", "2024-05");
        var repost = await fix.RepostAsync("YE", 2024, "tester");
        Assert.Equal("2024-02", repost.Period);
        Assert.Equal(38_000L, await c.ExecuteScalarAsync<long>(
            "SELECT sum(debit)::bigint FROM settlement_subledger WHERE entry_id = @e AND period = '2024-02'", new { e = repost.EntryId }));
        var rec = await new SubsidyReconciler(ds).ReconcileAsync("210800", 2024);
        Assert.True(rec.Balanced, string.Join("; ", rec.Differences));
        Assert.Equal(22_800L + 38_000L, await c.ExecuteScalarAsync<long>(InPeriod, new { p = "2024-01" }));
    }

    [Fact]
    [Trait("Rule", "PS-01")]
    public async Task Tables_RefuseAnInexactReversal_ARepostWithoutReversal_AndChanges()
    {
        using var data = new TestData();
        await using var ds = await pg.NewDatabaseAsync();
        await new StagingLoader(ds, Time).LoadPersonsAsync(data.Write("persons.csv", TestData.PersonsHeader, [P("YE", "E:2023-01-01")]));
        await new SubsidyPoster(ds, Time).PostAsync(Region.Yingkou, 2024);
        await using var c = await ds.OpenConnectionAsync();

        var inexact = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(
            """
            INSERT INTO premium_subsidy_reversal (psn_no, year, posting_no, admdvs, category, amount, city_amount, county_amount,
                original_entry_id, entry_id, reason, posted_at)
            SELECT psn_no, year, posting_no, admdvs, category, -amount + 1, -city_amount + 1, -county_amount, entry_id, 999999, 'x', now()
            FROM premium_subsidy WHERE psn_no = 'YE'
            """));
        Assert.Equal(PostgresErrorCodes.CheckViolation, inexact.SqlState);

        var repost = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(
            """
            INSERT INTO premium_subsidy (psn_no, year, admdvs, category, rule_id, identity_date, premium, pct_bp, amount, city_amount,
                county_amount, pct_param_id, assumed_params, entry_id, run_id, posted_at, posting_no)
            SELECT psn_no, year, admdvs, category, rule_id, identity_date, premium, pct_bp, amount, city_amount, county_amount,
                   pct_param_id, assumed_params, 999998, run_id, posted_at, 2
            FROM premium_subsidy WHERE psn_no = 'YE'
            """));
        Assert.Equal(PostgresErrorCodes.CheckViolation, repost.SqlState);

        var rev = await new SubsidyCorrection(ds, Time).ReverseAsync("YE", 2024, "wrong");
        var update = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync("UPDATE premium_subsidy_reversal SET reason = 'other'"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, update.SqlState);
        var twice = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(
            """
            INSERT INTO premium_subsidy_reversal (psn_no, year, posting_no, admdvs, category, amount, city_amount, county_amount,
                original_entry_id, entry_id, reason, posted_at)
            SELECT psn_no, year, posting_no, admdvs, category, -amount, -city_amount, -county_amount, entry_id, 999997, 'x', now()
            FROM premium_subsidy WHERE psn_no = 'YE'
            """));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, twice.SqlState);
        Assert.NotNull(rev.EntryId);
    }
}
