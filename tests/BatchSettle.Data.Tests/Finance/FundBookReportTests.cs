using BatchSettle.Data.Finance;
using BatchSettle.Data.Tests.Infrastructure;

namespace BatchSettle.Data.Tests.Finance;

[Collection(PostgresCollection.Name)]
public sealed class FundBookReportTests(PostgresFixture pg)
{
    /// <summary>Three months: settle, close, pay the previous month in the next; every book balances, closing = next opening.</summary>
    [Fact]
    public async Task ThreeMonths_EveryBookBalances_ClosingIsNextOpening()
    {
        await using var w = await FinanceWorld.CreateAsync(pg);
        await w.RunMonthAsync("2025-03");
        Assert.True((await w.Periods.CloseAsync(FinanceWorld.A, "2025-03", "t")).Closed);
        await w.RunMonthAsync("2025-04");
        await w.Clearing.PayAdvanceAsync(FinanceWorld.A, "H3", "390100", 20_000, new DateOnly(2025, 4, 2), "ADV-H3", "t");
        var f1 = await w.PayEverythingFileAsync("2025-03", new DateOnly(2025, 4, 15), "M3-");
        Assert.All(await w.Clearing.RecordPaymentsAsync(FinanceWorld.A, Clearing.ReadFile(f1).Rows, f1, "t"), o => Assert.True(o.Recorded, o.Message));
        Assert.True((await w.Periods.CloseAsync(FinanceWorld.A, "2025-04", "t")).Closed);
        await w.RunMonthAsync("2025-05");
        var f2 = await w.PayEverythingFileAsync("2025-04", new DateOnly(2025, 5, 15), "M4-");
        Assert.All(await w.Clearing.RecordPaymentsAsync(FinanceWorld.A, Clearing.ReadFile(f2).Rows, f2, "t"), o => Assert.True(o.Recorded, o.Message));
        var close = await w.Periods.CloseAsync(FinanceWorld.A, "2025-05", "t");
        Assert.True(close.Closed, close.Format());

        foreach (var book in await w.Reports.BooksAsync(FinanceWorld.A))
        {
            TrialBalance? prev = null;
            foreach (var m in FinanceWorld.Months)
            {
                var tb = await w.Reports.TrialBalanceAsync(book, m);
                var (d, c) = tb.Totals;
                Assert.Equal(d, c);
                // Balances of the book: Σ debit-normal closings = Σ credit-normal closings (leaf accounts).
                var leaves = tb.Lines.Where(l => l.Level == 2 || !tb.Lines.Any(x => x.Level == 2 && x.Code.StartsWith(l.Code, StringComparison.Ordinal))).ToList();
                Assert.Equal(leaves.Where(l => l.NormalSide == "D").Sum(l => l.Closing), leaves.Where(l => l.NormalSide == "C").Sum(l => l.Closing));
                // After 结转 every income and expense account is zero at month end.
                Assert.All(tb.Lines.Where(l => l.Kind is "income" or "expense"), l => Assert.Equal(0, l.Closing));
                if (prev is not null)
                {
                    foreach (var l in prev.Lines)
                        Assert.Equal(l.Closing, tb.Lines.FirstOrDefault(x => x.Code == l.Code)?.Opening ?? 0);
                    foreach (var l in tb.Lines)
                        Assert.Equal(prev.Lines.FirstOrDefault(x => x.Code == l.Code)?.Closing ?? 0, l.Opening);
                }
                prev = tb;
            }
        }
        // The residents' book paid in April and May: 1004 went down by what was paid, 3001 carries the deficit.
        var may = await w.Reports.TrialBalanceAsync("210500-390100", "2025-05");
        var cash = may.Lines.Single(l => l.Code == "1004");
        Assert.True(cash.Closing < 0);
        // Assets = net assets (no liabilities): both negative, the fund book starts at zero in BatchSettle (no opening balances loaded).
        Assert.Equal(cash.Closing + may.Lines.Single(l => l.Code == "1101").Closing, may.Lines.Single(l => l.Code == "3001").Closing);

        // 01表 balances; 02表 with month-on-month (April exists before May) and no year-on-year (2024-05 does not).
        var bs = await w.Reports.BalanceSheetAsync("210500-390100", "2025-05");
        Assert.Equal(bs.Lines.Single(l => l.Label == "资产合计").Current, bs.Lines.Single(l => l.Label == "负债和净资产总计").Current);
        var ie = await w.Reports.IncomeStatementAsync("210500-390100", "2025-05");
        Assert.True(ie.HasPriorMonth);
        Assert.False(ie.HasPriorYear);
        var exp = ie.Lines.Single(l => l.Label == "二、基金支出");
        Assert.True(exp.Current > 0);
        Assert.True(exp.Comparison > exp.Current);
        Assert.NotNull(exp.PriorMonth);
        var apr = await w.Reports.IncomeStatementAsync("210500-390100", "2025-04");
        Assert.Equal(apr.Lines.Single(l => l.Label == "二、基金支出").Current, exp.PriorMonth);
        Assert.Equal(apr.Lines.Single(l => l.Label == "二、基金支出").Current + exp.Current, exp.Comparison);
    }
}
