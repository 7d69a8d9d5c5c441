using BatchSettle.Data.Finance;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Finance;

[Collection(PostgresCollection.Name)]
public sealed class PeriodTests(PostgresFixture pg)
{
    [Fact]
    public async Task Close_ThenPostings_RefusedByDatabaseTriggers()
    {
        await using var w = await FinanceWorld.CreateAsync(pg);
        await w.RunMonthAsync("2025-03");
        var r = await w.Periods.CloseAsync(FinanceWorld.A, "2025-03", "tester");
        Assert.True(r.Closed, r.Format());
        await using var c = await w.Ds.OpenConnectionAsync();

        // Sub-ledger: a line filed under March's batch, written straight to the table (no application code involved).
        var e1 = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(
            """
            INSERT INTO ledger_line (entry_id, line_no, setl_id, run_id, batch_id, kind, posted_at, account, fund_pay_type, fixmedins_code, debit, credit)
            SELECT entry_id, 99, setl_id, run_id, batch_id, kind, posted_at, account, fund_pay_type, fixmedins_code, debit, credit
            FROM ledger_line WHERE batch_id = '210500-2025-03' ORDER BY entry_id LIMIT 1
            """));
        Assert.Contains("closed", e1.MessageText, StringComparison.Ordinal);

        // Fund book: a voucher dated in March.
        await using (var tx = await c.BeginTransactionAsync())
        {
            var e2 = await Assert.ThrowsAsync<PostgresException>(() => Vouchers.PostAsync(c, tx, "210500-390100", new DateOnly(2025, 3, 31), "payment", "late",
                [new VoucherLineIn("500101", 100, 0), new VoucherLineIn("1004", 0, 100)], DateTimeOffset.UnixEpoch, "t"));
            Assert.Contains("closed", e2.MessageText, StringComparison.Ordinal);
        }

        // Clearing and advance rows dated in March: one guard function for both (migration 080), told the date column.
        var e3 = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(
            """
            INSERT INTO facility_clearing (admdvs, fixmedins_code, clearing_month, fund_pay_type, method, amount, applied, cleared_date, recorded_at)
            VALUES ('210500', 'H1', '2025-03', '390100', 'deposit_kept', 1, 1, '2025-03-31', now())
            """));
        Assert.Contains("2025-03 is closed", e3.MessageText, StringComparison.Ordinal);
        var e4 = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(
            """
            INSERT INTO facility_advance (admdvs, fixmedins_code, book_code, amount, paid_date, bank_ref, kind, voucher_id)
            VALUES ('210500', 'H1', '210500-390100', 1, '2025-03-15', 'X1', 'paid', 1)
            """));
        Assert.Contains("2025-03 is closed", e4.MessageText, StringComparison.Ordinal);
        Assert.Equal(1, await c.ExecuteAsync(
            """
            INSERT INTO facility_clearing (admdvs, fixmedins_code, clearing_month, fund_pay_type, method, amount, applied, cleared_date, recorded_at)
            VALUES ('210500', 'H1', '2025-03', '390100', 'deposit_kept', 1, 1, '2025-04-30', now())
            """));
        Assert.Equal(["facility_advance_guard:posting_date_guard", "facility_clearing_guard:posting_date_guard"], (await c.QueryAsync<string>(
            """
            SELECT t.tgname || ':' || p.proname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
            WHERE t.tgname IN ('facility_advance_guard', 'facility_clearing_guard') ORDER BY 1
            """)).ToList());

        // A closed period never reopens, and is never deleted.
        await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync("UPDATE accounting_period SET status = 'open', closed_at = NULL WHERE period = '2025-03'"));
        await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync("DELETE FROM accounting_period"));

        // Re-running the batch's settlement cannot slip lines in either: the run's COPY is refused by the same trigger.
        Assert.Equal("closed", await c.ExecuteScalarAsync<string>("SELECT status FROM accounting_period WHERE admdvs = '210500' AND period = '2025-03'"));
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_action WHERE action = 'period close' AND outcome = 'closed'"));
    }

    /// <summary>The guard's fast path (migration 099) checks one period when every line of a statement shares batch_id
    /// and run_id; a statement whose lines differ — its first line in an open period, a later one in the closed period,
    /// or one line of another run — must still be refused, whichever line comes first.</summary>
    [Fact]
    public async Task MixedStatement_OneLineInClosedPeriod_Refused()
    {
        await using var w = await FinanceWorld.CreateAsync(pg);
        await w.RunMonthAsync("2025-03");
        await w.RunMonthAsync("2025-04");
        Assert.True((await w.Periods.CloseAsync(FinanceWorld.A, "2025-03", "tester")).Closed);
        await using var c = await w.Ds.OpenConnectionAsync();
        long lines = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM ledger_line");
        long aprilRun = await c.ExecuteScalarAsync<long>("SELECT max(run_id) FROM ledger_line WHERE batch_id = '210500-2025-04'");
        long marchRun = await c.ExecuteScalarAsync<long>("SELECT max(run_id) FROM ledger_line WHERE batch_id = '210500-2025-03'");

        foreach (string order in new[] { "ASC", "DESC" })
        {
            // April (open) and March (closed) lines in one statement, in both orders.
            var mixed = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(
                $"""
                INSERT INTO ledger_line (entry_id, line_no, setl_id, run_id, batch_id, kind, posted_at, account, fund_pay_type, fixmedins_code, debit, credit)
                SELECT -1000 - n, 1, NULL, run_id, batch_id, 'settlement', now(), 'benefit_expense', '390100', 'H0', 1, 0
                FROM (SELECT row_number() OVER (ORDER BY batch_id {order}) AS n, run_id, batch_id
                      FROM (VALUES ({aprilRun}, '210500-2025-04'), ({aprilRun}, '210500-2025-04'), ({marchRun}, '210500-2025-03')) v (run_id, batch_id)) s
                ORDER BY n
                """));
            Assert.Contains("2025-03 is closed", mixed.MessageText, StringComparison.Ordinal);
        }

        // One batch, two runs (a line under March's run id filed in April's batch): not the fast path, still checked —
        // and allowed, April being open.
        Assert.Equal(2, await c.ExecuteAsync(
            $"""
            INSERT INTO ledger_line (entry_id, line_no, setl_id, run_id, batch_id, kind, posted_at, account, fund_pay_type, fixmedins_code, debit, credit)
            VALUES (-2001, 1, NULL, {aprilRun}, '210500-2025-04', 'settlement', now(), 'benefit_expense', '390100', 'H0', 1, 0),
                   (-2002, 1, NULL, {marchRun}, '210500-2025-04', 'settlement', now(), 'benefit_expense', '390100', 'H0', 1, 0)
            """));
        Assert.Equal(lines + 2, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM ledger_line"));
    }

    [Fact]
    public async Task RuntimeRole_CannotDisableTheGuard()
    {
        await using var w = await FinanceWorld.CreateAsync(pg);
        await w.RunMonthAsync("2025-03");
        Assert.True((await w.Periods.CloseAsync(FinanceWorld.A, "2025-03", "tester")).Closed);
        await using var c = await w.Ds.OpenConnectionAsync();
        string role = "bs_rt_" + Guid.NewGuid().ToString("N")[..8];
        await c.ExecuteAsync($"CREATE ROLE {role} NOLOGIN; GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO {role}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}");
        await c.ExecuteAsync($"SET ROLE {role}");
        try
        {
            var disable = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync("ALTER TABLE ledger_line DISABLE TRIGGER ledger_line_period_guard"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, disable.SqlState);
            var replica = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync("SET session_replication_role = replica"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, replica.SqlState);
            var post = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(
                """
                INSERT INTO ledger_line (entry_id, line_no, setl_id, run_id, batch_id, kind, posted_at, account, fund_pay_type, fixmedins_code, debit, credit)
                VALUES (-1, 1, NULL, 1, '210500-2025-03', 'settlement', now(), 'benefit_expense', '390100', 'H0', 1, 0)
                """));
            Assert.Contains("closed", post.MessageText, StringComparison.Ordinal);
        }
        finally
        {
            await c.ExecuteAsync("RESET ROLE");
        }
    }

    [Fact]
    public async Task LateReversal_LandsInOpenPeriod_ClosedFiguresDoNotMove()
    {
        await using var w = await FinanceWorld.CreateAsync(pg);
        await w.RunMonthAsync("2025-03");
        Assert.True((await w.Periods.CloseAsync(FinanceWorld.A, "2025-03", "tester")).Closed);
        var statementsBefore = await Statements.IssuedAsync(w.Ds, FinanceWorld.A, "2025-03");
        await using var c = await w.Ds.OpenConnectionAsync();
        const string SubLedgerMarch = "SELECT COALESCE(sum(credit - debit), 0)::bigint FROM ledger_line WHERE acct_admdvs = '210500' AND acct_period = '2025-03' AND account = 'payable_facility'";
        long marchBefore = await c.ExecuteScalarAsync<long>(SubLedgerMarch);
        var outstandingMarchBefore = (await w.Clearing.OutstandingAsync(FinanceWorld.A, new DateOnly(2025, 3, 31))).Sum(l => l.Outstanding);

        await w.RunMonthAsync("2025-04");

        var rev = (await c.QueryAsync<(string Period, string Kind, long Amount)>(
            "SELECT acct_period, kind, sum(credit - debit)::bigint FROM ledger_line WHERE setl_id = 'R2504-0001-0' AND account = 'payable_facility' GROUP BY 1, 2")).Single();
        Assert.Equal(("2025-04", "reversal"), (rev.Period, rev.Kind));
        Assert.True(rev.Amount < 0);
        Assert.Equal(marchBefore, await c.ExecuteScalarAsync<long>(SubLedgerMarch));
        Assert.Equal(statementsBefore, await Statements.IssuedAsync(w.Ds, FinanceWorld.A, "2025-03"));
        Assert.Equal(outstandingMarchBefore, (await w.Clearing.OutstandingAsync(FinanceWorld.A, new DateOnly(2025, 3, 31))).Sum(l => l.Outstanding));
        // The reversal is on April's statement, as a reversal of H1's residents' fund.
        var april = await Statements.BuildAsync(c, null, FinanceWorld.A, "2025-04", default);
        var h1 = april.Single(s => s.Facility == "H1" && s.FundPayType == "390100" && s.MedGroup == "住院");
        Assert.Equal(1, h1.Reversals);
        Assert.Equal(rev.Amount, h1.ReversalAmount);
    }

    [Fact]
    public async Task Close_RefusesUnknownPeriod_AndCorrectionsGoToOpenPeriod()
    {
        await using var w = await FinanceWorld.CreateAsync(pg);
        await Assert.ThrowsAsync<FinanceException>(() => w.Periods.CloseAsync(FinanceWorld.A, "2025-03", "tester"));
        await w.RunMonthAsync("2025-03");
        await Assert.ThrowsAsync<FinanceException>(() => w.Periods.CloseAsync(FinanceWorld.A, "2025-09", "tester"));
        await Assert.ThrowsAsync<FinanceException>(() => w.Periods.CloseAsync("110000", "2025-03", "tester"));
        Assert.True((await w.Periods.CloseAsync(FinanceWorld.A, "2025-03", "tester")).Closed);
        Assert.True((await w.Periods.CloseAsync(FinanceWorld.A, "2025-03", "tester")).AlreadyClosed);

        // A payment in April, then corrected by red ink in April: linked, same accounts and sides, amounts negated.
        var file = await w.PayEverythingFileAsync("2025-03", new DateOnly(2025, 4, 15), "BNK-A-");
        var (rows, bad) = Clearing.ReadFile(file);
        Assert.Empty(bad);
        var outcomes = await w.Clearing.RecordPaymentsAsync(FinanceWorld.A, rows, file, "tester");
        Assert.All(outcomes, o => Assert.True(o.Recorded, o.Message));
        long original = outcomes[0].VoucherId!.Value;
        long red = await Vouchers.ReverseAsync(w.Ds, original, new DateOnly(2025, 4, 20), "冲销 wrong payment", w.Time, "tester");
        await using var c = await w.Ds.OpenConnectionAsync();
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>(
            "SELECT sum(debit) FROM voucher_line WHERE voucher_id IN (@original, @red)", new { original, red }));
        Assert.Equal(original, await c.ExecuteScalarAsync<long>("SELECT corrects_voucher_id FROM voucher WHERE voucher_id = @red", new { red }));

        await w.RunMonthAsync("2025-04");
        Assert.True((await w.Periods.CloseAsync(FinanceWorld.A, "2025-04", "tester")).Closed);
        // A correction dated in the closed April is refused by the database; in May it posts.
        await Assert.ThrowsAsync<PostgresException>(() => Vouchers.ReverseAsync(w.Ds, red, new DateOnly(2025, 4, 30), "x", w.Time, "tester"));
        long blue = await Vouchers.ReverseAsync(w.Ds, red, new DateOnly(2025, 5, 2), "冲销红字（补记）", w.Time, "tester");
        Assert.Equal("2025-05", await c.ExecuteScalarAsync<string>("SELECT period FROM voucher WHERE voucher_id = @blue", new { blue }));
    }
}
