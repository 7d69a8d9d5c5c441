using BatchSettle.Data.Finance;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Finance;

/// <summary>Opening balances (期初余额) of the fund books: read with line and field errors, posted once, as the first period's opening.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OpeningBalanceTests(PostgresFixture pg)
{
    [Fact]
    public async Task ReadFile_NamesLineAndField_ForEveryBadRow()
    {
        using var data = new TestData();
        var path = data.Write("opening-bad.csv", OpeningBalances.Header,
        [
            "210500,390100,1004,,1000000.00,",   // 2: fine
            "999999,390100,1004,,1.00,",          // 3: region
            "210500,390101,1004,,1.00,",          // 4: fund
            "210500,390100,10x4,,1.00,",          // 5: account
            "210500,390100,3001,,,12.345",        // 6: credit, three decimals
            "210500,390100,1003,,5.00,5.00",      // 7: both sides
            "210500,390100,1004,,2.00,",          // 8: again
            "210500,390100,1004",                 // 9: field count
        ]);
        var (lines, problems) = OpeningBalances.ReadFile(path);
        Assert.Single(lines);
        Assert.Equal(
            [(3, "admdvs"), (4, "fund_code"), (5, "account_code"), (6, "credit"), (7, "debit"), (8, "account_code"), (9, "*")],
            problems.Select(p => (p.Line, p.Field)).ToList());
        Assert.Contains("already on line 2", problems.Single(p => p.Line == 8).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ChecksChartAndBalance_PostsOnceIntoTheFirstPeriod_AndTheTrialBalanceOpensWithIt()
    {
        await using var w = await FinanceWorld.CreateAsync(pg);
        await w.RunMonthAsync("2025-03");
        var opening = new OpeningBalances(w.Ds, w.Time);

        // Against the chart: unknown, not a leaf, not a balance-sheet account; and a book that does not balance. Nothing posted.
        var bad = await opening.PostAsync("2025-03",
        [
            new OpeningLine(2, FinanceWorld.A, "390100", "9999", null, 100, 0),
            new OpeningLine(3, FinanceWorld.A, "390100", "1101", null, 100, 0),
            new OpeningLine(4, FinanceWorld.A, "390100", "500101", null, 100, 0),
            new OpeningLine(5, FinanceWorld.A, "390100", "3001", null, 0, 250),
        ], "bad.csv", "tester");
        Assert.False(bad.Posted);
        Assert.Equal(
            ["line 2 field account_code", "line 3 field account_code", "line 4 field account_code", "book 210500-390100"],
            bad.Problems.Select(p => p.Line > 0 ? $"line {p.Line} field {p.Field}" : p.Field).ToList());
        Assert.Contains("has 明细", bad.Problems[1].Message, StringComparison.Ordinal);
        Assert.Contains("balance-sheet accounts only", bad.Problems[2].Message, StringComparison.Ordinal);
        Assert.Contains("does not balance", bad.Problems[3].Message, StringComparison.Ordinal);
        await using var c = await w.Ds.OpenConnectionAsync();
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM voucher WHERE kind = 'opening'"));

        // The residents' book: 1,000,000.00 in the expenditure account, an advance of 50,000.00 at H1, the fund balance.
        var file = w.Data.Write("opening.csv", OpeningBalances.Header,
        [
            "210500,390100,1004,,1000000.00,",
            "210500,390100,110101,H1,50000.00,",
            "210500,390100,3001,,,1050000.00",
            "210500,310100,1004,,200000.00,",
            "210500,310100,3001,,,200000.00",
        ]);
        var (lines, problems) = OpeningBalances.ReadFile(file);
        Assert.Empty(problems);
        var ok = await opening.PostAsync("2025-03", lines, "opening.csv", "tester");
        Assert.True(ok.Posted, string.Join("; ", ok.Problems));
        Assert.Equal(["210500-310100", "210500-390100"], ok.Vouchers.Select(v => v.Book).ToList());
        Assert.Equal(("opening", new DateTime(2025, 3, 1)), await c.QuerySingleAsync<(string, DateTime)>(
            "SELECT kind, voucher_date FROM voucher WHERE voucher_id = @id", new { id = ok.Vouchers[1].VoucherId }));
        // The advance counts as H1's: offsetting it against what H1 is owed works from the start.
        Assert.Equal(5_000_000L, await c.ExecuteScalarAsync<long>(
            "SELECT sum(l.debit - l.credit)::bigint FROM voucher_line l JOIN voucher v USING (voucher_id) WHERE v.book_code = '210500-390100' AND l.account_code = '110101' AND l.counterparty = 'H1'"));

        // The trial balance opens with them (not a movement of March); closing = opening + movements.
        var march = await w.Reports.TrialBalanceAsync("210500-390100", "2025-03");
        var cash = march.Lines.Single(l => l.Code == "1004");
        Assert.Equal((100_000_000L, 0L, 0L, 100_000_000L), (cash.Opening, cash.Debits, cash.Credits, cash.Closing));
        Assert.Equal(105_000_000L, march.Lines.Single(l => l.Code == "3001").Opening);
        Assert.Equal(march.Totals.Debits, march.Totals.Credits);
        var bs = await w.Reports.BalanceSheetAsync("210500-390100", "2025-03");
        Assert.Equal(100_000_000L, bs.Lines.Single(l => l.Code == "1004").Comparison); // 年初余额: the books know nothing earlier
        Assert.Equal(bs.Lines.Single(l => l.Label == "资产合计").Current, bs.Lines.Single(l => l.Label == "负债和净资产总计").Current);

        // Posted twice: refused by the application, and by the database's unique index.
        var twice = await opening.PostAsync("2025-03", lines, "opening.csv", "tester");
        Assert.False(twice.Posted);
        Assert.Contains("already has its opening balances", twice.Problems[0].Message, StringComparison.Ordinal);
        await using (var tx = await c.BeginTransactionAsync())
        {
            var dup = await Assert.ThrowsAsync<PostgresException>(() => Vouchers.PostAsync(c, tx, "210500-390100", new DateOnly(2025, 3, 1), "opening", "again",
                [new VoucherLineIn("1004", 1, 0), new VoucherLineIn("3001", 0, 1)], DateTimeOffset.UnixEpoch, "t"));
            Assert.Equal(PostgresErrorCodes.UniqueViolation, dup.SqlState);
        }

        // Close March, pay it in April, close April: March's closing is April's opening, the opening carried through.
        Assert.True((await w.Periods.CloseAsync(FinanceWorld.A, "2025-03", "t")).Closed);
        await w.RunMonthAsync("2025-04");
        var pay = await w.PayEverythingFileAsync("2025-03", new DateOnly(2025, 4, 15), "OB-");
        Assert.All(await w.Clearing.RecordPaymentsAsync(FinanceWorld.A, Clearing.ReadFile(pay).Rows, pay, "t"), o => Assert.True(o.Recorded, o.Message));
        var close = await w.Periods.CloseAsync(FinanceWorld.A, "2025-04", "t");
        Assert.True(close.Closed, close.Format());
        var april = await w.Reports.TrialBalanceAsync("210500-390100", "2025-04");
        foreach (var l in march.Lines.Where(l => l.Kind is not ("income" or "expense")))
            Assert.Equal(l.Closing, april.Lines.Single(x => x.Code == l.Code).Opening);
        var aprilCash = april.Lines.Single(l => l.Code == "1004");
        Assert.Equal(aprilCash.Opening - aprilCash.Credits + aprilCash.Debits, aprilCash.Closing);
        Assert.True(aprilCash.Closing > 0, "the opening balance now covers April's payments");
        Assert.Equal(april.Totals.Debits, april.Totals.Credits);

        // Another book's opening into a closed period, or before one, is refused: a closed period's figures never move.
        var late = await opening.PostAsync("2025-03", [new OpeningLine(2, FinanceWorld.A, "610100", "1004", null, 100, 0),
            new OpeningLine(3, FinanceWorld.A, "610100", "3001", null, 0, 100)], "late.csv", "tester");
        Assert.False(late.Posted);
        Assert.Contains("is closed", late.Problems.Single().Message, StringComparison.Ordinal);
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM voucher WHERE book_code = '210500-610100'"));
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_action WHERE action = 'opening balances' AND outcome = 'posted'"));
    }
}
