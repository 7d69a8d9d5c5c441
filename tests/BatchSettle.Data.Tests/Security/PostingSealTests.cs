using BatchSettle.Core.Domain;
using BatchSettle.Data.Assistance;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Subsidies;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;

namespace BatchSettle.Data.Tests.Security;

/// <summary>
/// Subsidy runs, subsidy reversals and assistance applications are sealed like claim runs (migration 077): a superuser
/// who switches the append-only triggers off and edits one (row or ledger line) is reported by
/// <c>reconcile --subsidies</c>, and so is a seal rewritten without the key.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostingSealTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;

    private static string P(string psn, int year, string hardship) =>
        $"{psn},210800,390,1960-05-01,{year},centralised,{year - 1}-12-01,,0,0,5,0,,{hardship},false";

    [Fact]
    public async Task SubsidyReversalAndApplication_Sealed_SuperuserEditDetected_RewrittenSealDetected()
    {
        using var data = new TestData();
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(data.Write("persons.csv", TestData.PersonsHeader,
            [P("YE", 2024, "E:2023-01-01"), P("YT", 2024, "T:2023-01-01"), P("YI", 2024, "I:2024-03-01")]));

        var posted = await new SubsidyPoster(ds, Time).PostAsync(Region.Yingkou, 2024);
        Assert.True(posted.Posted >= 2);
        var fix = new SubsidyCorrection(ds, Time);
        var rev = await fix.ReverseAsync("YE", 2024, "identity was T", "tester");
        var repost = await fix.RepostAsync("YE", 2024, "tester");
        Assert.True(rev.Posted);
        // No claims, so the application is refused: a decision row with no ledger lines, sealed all the same.
        var app = await new AssistanceApplicationService(ds, Time).ApplyAsync("YI", new DateOnly(2024, 9, 1));

        await using var c = await ds.OpenConnectionAsync();
        var kinds = (await c.QueryAsync<(string Kind, long Id)>("SELECT kind, posting_id FROM posting_seal ORDER BY posting_id")).ToList();
        Assert.Contains(("subsidy_run", posted.RunId!.Value), kinds);
        Assert.Contains(("subsidy_reversal", rev.RunId!.Value), kinds);
        Assert.Contains(("subsidy_run", repost.RunId!.Value), kinds);
        Assert.Contains(("assistance_application", app.ApplicationId), kinds);

        var clean = await new SubsidyReconciler(ds).ReconcileAsync("210800", 2024);
        Assert.True(clean.Balanced, string.Join("\n", clean.Differences));
        Assert.Equal(kinds.Count, clean.SealedPostings);
        Assert.Contains($"seals: {kinds.Count} postings", clean.Format(), StringComparison.Ordinal);

        // A superuser raises YT's subsidy by 100.00 in the row and its ledger lines alike (so the books still agree).
        await c.ExecuteAsync(
            """
            ALTER TABLE premium_subsidy DISABLE TRIGGER USER;
            ALTER TABLE ledger_line DISABLE TRIGGER USER;
            UPDATE premium_subsidy SET amount = amount + 10000, city_amount = city_amount + 10000 WHERE psn_no = 'YT';
            UPDATE ledger_line SET debit = debit + CASE WHEN debit > 0 AND account = 'subsidy_expense_city' THEN 10000 ELSE 0 END,
                                   credit = credit + CASE WHEN credit > 0 THEN 10000 ELSE 0 END
            WHERE entry_id = (SELECT entry_id FROM premium_subsidy WHERE psn_no = 'YT');
            ALTER TABLE premium_subsidy ENABLE TRIGGER USER;
            ALTER TABLE ledger_line ENABLE TRIGGER USER;
            """);
        var tampered = await new SubsidyReconciler(ds).ReconcileAsync("210800", 2024);
        Assert.Contains(tampered.Differences, d => d.StartsWith($"subsidy_run {posted.RunId}: rows or ledger lines changed since it was sealed", StringComparison.Ordinal));
        Assert.DoesNotContain(tampered.Differences, d => d.StartsWith("category ", StringComparison.Ordinal));

        // An assistance application's trace rewritten, and its seal row re-digested without the key.
        await c.ExecuteAsync(
            """
            ALTER TABLE assistance_application DISABLE TRIGGER USER;
            UPDATE assistance_application SET trace = trace || ' (edited)' WHERE application_id = @id;
            ALTER TABLE assistance_application ENABLE TRIGGER USER;
            """, new { id = app.ApplicationId });
        var edited = await new SubsidyReconciler(ds).ReconcileAsync("210800", 2024);
        Assert.Contains(edited.Differences, d => d.StartsWith($"assistance_application {app.ApplicationId}: rows or ledger lines changed", StringComparison.Ordinal));
        await c.ExecuteAsync(
            """
            ALTER TABLE posting_seal DISABLE TRIGGER USER;
            UPDATE posting_seal s SET digest = d.digest FROM posting_digest('assistance_application', @id) d WHERE s.posting_id = @id;
            ALTER TABLE posting_seal ENABLE TRIGGER USER;
            """, new { id = app.ApplicationId });
        var resealed = await new SubsidyReconciler(ds).ReconcileAsync("210800", 2024);
        Assert.Contains(resealed.Differences, d => d == $"assistance_application {app.ApplicationId}: its seal does not verify (the seal row was rewritten, or this process has another seal key)");
        Assert.DoesNotContain(resealed.Differences, d => d.StartsWith($"assistance_application {app.ApplicationId}: rows", StringComparison.Ordinal));

        // A posting whose seal was deleted is named as unsealed.
        await c.ExecuteAsync(
            """
            ALTER TABLE posting_seal DISABLE TRIGGER USER;
            DELETE FROM posting_seal WHERE posting_id = @id;
            ALTER TABLE posting_seal ENABLE TRIGGER USER;
            """, new { id = rev.RunId });
        var unsealed = await new SubsidyReconciler(ds).ReconcileAsync("210800", 2024);
        Assert.Contains(unsealed.Differences, d => d.StartsWith($"subsidy_reversal {rev.RunId} is not sealed", StringComparison.Ordinal));
    }
}
