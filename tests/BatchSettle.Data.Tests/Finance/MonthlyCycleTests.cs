using BatchSettle.Core.Money;
using BatchSettle.Data.Finance;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Finance;

[Collection(PostgresCollection.Name)]
public sealed class MonthlyCycleTests(PostgresFixture pg)
{
    [Fact]
    public async Task Statements_EqualResults_EqualSubLedger_PerFacilityAndFund()
    {
        await using var w = await FinanceWorld.CreateAsync(pg);
        await w.RunMonthAsync("2025-03");
        Assert.True((await w.Periods.CloseAsync(FinanceWorld.A, "2025-03", "tester")).Closed);
        var issued = await Statements.IssuedAsync(w.Ds, FinanceWorld.A, "2025-03");
        Assert.NotEmpty(issued);
        await using var c = await w.Ds.OpenConnectionAsync();
        var results = await Reconciliation.ResultsByFacilityFundAsync(c, null, "210500-2025-03", default);
        var sub = await Reconciliation.SubLedgerByFacilityFundAsync(c, null, FinanceWorld.A, "2025-03", default);
        var stmt = issued.GroupBy(s => (s.Facility, s.FundPayType)).ToDictionary(g => g.Key, g => g.Sum(x => x.FundAmount));
        foreach (var k in results.Keys.Where(k => results[k] != 0)) Assert.Equal(results[k], stmt.GetValueOrDefault(k));
        foreach (var k in stmt.Keys) Assert.Equal(results.GetValueOrDefault(k), stmt[k]);
        foreach (var k in stmt.Keys) Assert.Equal(sub.GetValueOrDefault(k), stmt[k]);
        Assert.True(stmt.Keys.Select(k => k.Item1).Distinct().Count() >= 4);
        Assert.Contains(stmt.Keys, k => k.Item2 == "310100");
        Assert.Contains(stmt.Keys, k => k.Item2 == "390100");
        // Claim counts = settled results; deposit = 5 % (the parameter, id 800) of the fund amount; net = fund − deposit − offset.
        long settledClaims = await c.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM settlement_result WHERE batch_id = '210500-2025-03' AND status = 'settled' AND hifp_pay <> 0");
        Assert.Equal(settledClaims, issued.Where(s => s.FundPayType is "310100" or "390100").Sum(s => s.Claims));
        Assert.All(issued, s =>
        {
            Assert.Equal(800, s.DepositParamId);
            Assert.Equal(FenMath.MulBp(s.FundAmount, 500), s.Deposit);
            Assert.Equal(s.FundAmount - s.Deposit - s.AdvanceOffset, s.NetToPay);
        });
        Assert.Contains(issued, s => s.MedGroup == "门诊");
        Assert.Contains(issued, s => s.MedGroup == "住院");
        // Refused and quarantined claims are on the statement too.
        long notSettled = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM settlement_result WHERE batch_id = '210500-2025-03' AND status <> 'settled'");
        Assert.Equal(notSettled, issued.Sum(s => s.RefusedClaims + s.QuarantinedClaims));
    }

    [Fact]
    public async Task PayingEverythingOwed_BringsEveryFacilityToZero_DuplicatesRefused_OverpaymentFlagged()
    {
        await using var w = await FinanceWorld.CreateAsync(pg);
        await w.RunMonthAsync("2025-03");
        Assert.True((await w.Periods.CloseAsync(FinanceWorld.A, "2025-03", "tester")).Closed);
        var before = await w.Clearing.OutstandingAsync(FinanceWorld.A, new DateOnly(2025, 4, 30));
        Assert.True(before.Sum(l => l.Outstanding) > 0);
        Assert.All(before, l => Assert.Equal(30, l.AgeDays));

        var file = await w.PayEverythingFileAsync("2025-03", new DateOnly(2025, 4, 15), "BNK-");
        var (rows, bad) = Clearing.ReadFile(file);
        Assert.Empty(bad);
        var outcomes = await w.Clearing.RecordPaymentsAsync(FinanceWorld.A, rows, file, "tester");
        Assert.All(outcomes, o => Assert.True(o.Recorded && o.Overpaid == 0, o.Message));

        var after = await w.Clearing.OutstandingAsync(FinanceWorld.A, new DateOnly(2025, 4, 30));
        Assert.All(after, l => Assert.Equal(0, l.Outstanding));
        // As of before the payment date, March is still owed: the payment is dated, not clocked.
        Assert.Equal(before.Sum(l => l.Outstanding), (await w.Clearing.OutstandingAsync(FinanceWorld.A, new DateOnly(2025, 4, 14))).Sum(l => l.Outstanding));

        // The same file again: every row refused as a duplicate, nothing moves.
        var again = await w.Clearing.RecordPaymentsAsync(FinanceWorld.A, rows, file, "tester");
        Assert.All(again, o => Assert.False(o.Recorded));
        Assert.All(again, o => Assert.Contains("duplicate", o.Message, StringComparison.Ordinal));

        // One more yuan to H0: recorded, flagged, booked to 110102 and not as expenditure.
        var extra = new PaymentIn("H0", "2025-03", "390100", 100, new DateOnly(2025, 4, 16), "BNK-EXTRA", 2);
        var o = await w.Clearing.RecordPaymentAsync(FinanceWorld.A, extra, "t", "tester");
        Assert.True(o.Recorded);
        Assert.Equal(100, o.Overpaid);
        Assert.Contains("OVERPAID", o.Message, StringComparison.Ordinal);
        await using var c = await w.Ds.OpenConnectionAsync();
        Assert.Equal(100L, await c.ExecuteScalarAsync<long>("SELECT debit FROM voucher_line WHERE voucher_id = @v AND account_code = '110102'", new { v = o.VoucherId }));

        // The fund book: Σ 5001 明细 + 5101 debits of April = what the statements owed (payments = expenditure, cash basis).
        long expense = await c.ExecuteScalarAsync<long>(
            "SELECT sum(l.debit - l.credit)::bigint FROM voucher v JOIN voucher_line l USING (voucher_id) WHERE v.period = '2025-04' AND v.kind = 'payment' AND (l.account_code LIKE '5001%' OR l.account_code = '5101')");
        Assert.Equal(before.Sum(l => l.Outstanding), expense);
        // Nothing was paid for a period that does not exist.
        var ghost = await w.Clearing.RecordPaymentsAsync(FinanceWorld.A, [new PaymentIn("H0", "2024-01", "390100", 100, new DateOnly(2025, 4, 16), "BNK-GHOST", 9)], "t", "tester");
        Assert.Contains("does not exist", ghost.Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Advances_OffsetAndReturn_AndYearEndKeepsOrReleasesDeposit()
    {
        await using var w = await FinanceWorld.CreateAsync(pg);
        await w.RunMonthAsync("2025-03");
        long adv = await w.Clearing.PayAdvanceAsync(FinanceWorld.A, "H2", "390100", 50_000, new DateOnly(2025, 3, 5), "ADV-1", "tester");
        await using var c = await w.Ds.OpenConnectionAsync();
        Assert.Equal(50_000L, await Clearing.AdvanceBalanceAsync(c, null, "210500-390100", "H2", default));

        var owed = (await w.Clearing.OutstandingAsync(FinanceWorld.A, new DateOnly(2025, 3, 31), "H2")).Single(l => l.FundPayType == "390100");
        long offset = Math.Min(30_000, owed.Outstanding);
        await w.Clearing.OffsetAdvanceAsync(FinanceWorld.A, "H2", "2025-03", "390100", offset, new DateOnly(2025, 3, 31), "tester");
        Assert.True((await w.Periods.CloseAsync(FinanceWorld.A, "2025-03", "tester")).Closed);
        var h2 = (await Statements.IssuedAsync(w.Ds, FinanceWorld.A, "2025-03")).Where(s => s.Facility == "H2" && s.FundPayType == "390100").ToList();
        Assert.Equal(offset, h2.Sum(s => s.AdvanceOffset));
        Assert.Equal(h2.Sum(s => s.FundAmount - s.Deposit) - offset, h2.Sum(s => s.NetToPay));
        // Over the advance: refused.
        await Assert.ThrowsAsync<FinanceException>(() => w.Clearing.OffsetAdvanceAsync(FinanceWorld.A, "H2", "2025-03", "390100", 50_000, new DateOnly(2025, 4, 1), "tester"));
        await w.Clearing.ReturnAdvanceAsync(FinanceWorld.A, "H2", "390100", 50_000 - offset, new DateOnly(2025, 4, 2), "RET-1", "tester");
        Assert.Equal(0L, await Clearing.AdvanceBalanceAsync(c, null, "210500-390100", "H2", default));

        // Pay the net, then year-end clearing keeps H2's deposit and releases everyone else's; paying the released
        // deposits leaves nothing outstanding.
        var due = (await w.Clearing.OutstandingAsync(FinanceWorld.A, new DateOnly(2025, 4, 30))).Where(l => l.DueNow != 0).ToList();
        var pay = due.Select((l, i) => new PaymentIn(l.Facility, l.ClearingMonth, l.FundPayType, l.DueNow, new DateOnly(2025, 4, 20), $"N{i}", i)).ToList();
        Assert.All(await w.Clearing.RecordPaymentsAsync(FinanceWorld.A, pay, "t", "tester"), o => Assert.True(o.Recorded, o.Message));
        var mid = await w.Clearing.OutstandingAsync(FinanceWorld.A, new DateOnly(2025, 4, 30));
        Assert.All(mid, l => Assert.Equal(l.DepositUndecided, l.Outstanding));
        long h2Deposit = h2.Sum(s => s.Deposit);
        var decisions = await w.Clearing.YearEndAsync(FinanceWorld.A, 2025, new Dictionary<(string, string), long> { [("H2", "390100")] = h2Deposit },
            new DateOnly(2025, 12, 31), "tester");
        Assert.Equal(h2Deposit, decisions.Single(d => d.Facility == "H2" && d.Fpt == "390100").Kept);
        var yearEnd = await w.Clearing.OutstandingAsync(FinanceWorld.A, new DateOnly(2025, 12, 31));
        Assert.Equal(0, yearEnd.Single(l => l.Facility == "H2" && l.FundPayType == "390100").Outstanding);
        var released = yearEnd.Where(l => l.Outstanding != 0).Select((l, i) => new PaymentIn(l.Facility, l.ClearingMonth, l.FundPayType, l.DueNow, new DateOnly(2025, 12, 31), $"D{i}", i)).ToList();
        Assert.NotEmpty(released);
        Assert.All(await w.Clearing.RecordPaymentsAsync(FinanceWorld.A, released, "t", "tester"), o => Assert.True(o.Recorded, o.Message));
        Assert.All(await w.Clearing.OutstandingAsync(FinanceWorld.A, new DateOnly(2025, 12, 31)), l => Assert.Equal(0, l.Outstanding));
        _ = adv;
    }

    [Fact]
    public async Task VoucherAccounts_ExistInTheChartInForce_OnTheirDate()
    {
        await using var w = await FinanceWorld.CreateAsync(pg);
        await w.RunMonthAsync("2025-03");
        Assert.True((await w.Periods.CloseAsync(FinanceWorld.A, "2025-03", "tester")).Closed);
        var file = await w.PayEverythingFileAsync("2025-03", new DateOnly(2025, 4, 15), "B-");
        await w.Clearing.RecordPaymentsAsync(FinanceWorld.A, Clearing.ReadFile(file).Rows, file, "tester");
        await w.Clearing.PayAdvanceAsync(FinanceWorld.A, "H1", "310100", 10_000, new DateOnly(2025, 4, 3), "ADV", "tester");
        await using var c = await w.Ds.OpenConnectionAsync();
        Assert.True(await c.ExecuteScalarAsync<long>("SELECT count(*) FROM voucher_line") > 0);
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>(
            """
            SELECT count(*) FROM voucher_line l JOIN voucher v USING (voucher_id)
            WHERE NOT EXISTS (SELECT 1 FROM account_chart a WHERE a.code = l.account_code AND a.effective_from <= v.voucher_date
                              AND (a.effective_to IS NULL OR a.effective_to >= v.voucher_date))
            """));
        // The database refuses an account outside the chart, a parent that has 明细, and a date before the chart.
        async Task Refused(string account, DateOnly date)
        {
            await using var tx = await c.BeginTransactionAsync();
            await Assert.ThrowsAsync<PostgresException>(() => Vouchers.PostAsync(c, tx, "210500-390100", date, "payment", "x",
                [new VoucherLineIn(account, 1, 0), new VoucherLineIn("1004", 0, 1)], DateTimeOffset.UnixEpoch, "t"));
        }
        await Refused("9999", new DateOnly(2025, 4, 20));
        await Refused("5001", new DateOnly(2025, 4, 20));
        await Refused("500101", new DateOnly(2017, 12, 31));
        // An unbalanced voucher fails at commit.
        await using (var tx = await c.BeginTransactionAsync())
        {
            await Vouchers.PostAsync(c, tx, "210500-390100", new DateOnly(2025, 4, 20), "payment", "x",
                [new VoucherLineIn("500101", 2, 0), new VoucherLineIn("1004", 0, 1)], DateTimeOffset.UnixEpoch, "t");
            await Assert.ThrowsAsync<PostgresException>(() => tx.CommitAsync());
        }
    }
}
