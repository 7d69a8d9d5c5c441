using System.Globalization;
using System.Text;
using BatchSettle.Data.Export;
using BatchSettle.Data.Finance;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Finance;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BatchSettle.Data.Tests.Export;

[Collection(PostgresCollection.Name)]
public sealed class XlsxExportTests(PostgresFixture pg)
{
    private const string LongSetlId = "2105002025030000031579";
    private const string LongPsnNo = "2105009876543217";

    private static async Task<Npgsql.NpgsqlDataSource> LongIdBatchAsync(PostgresFixture pg, TestData data)
    {
        var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, TimeProvider.System);
        await loader.LoadPersonsAsync(data.Write("p.csv", TestData.PersonsHeader, [TestData.Person(LongPsnNo), TestData.Person("P0001")]));
        await loader.LoadClaimsAsync(data.Write("c.csv", TestData.ClaimsHeader,
            [TestData.Claim(LongSetlId, LongPsnNo, "2025-03-10", 12345.67m, 10m), TestData.Claim("2105002025030000031580", "P0001", "2025-03-11", 2000m),
             TestData.Claim("2105002025030000031581", "P0001", "2025-03-12", 300m, medType: "11")]));
        var s = await new BatchRunner(ds, TimeProvider.System).RunBatchAsync(TestData.Batch, new BatchRunOptions());
        Assert.True(s.Succeeded, s.Format());
        return ds;
    }

    private static string CellText(Cell c) => c.DataType?.Value == CellValues.InlineString ? c.InlineString!.InnerText : c.CellValue?.Text ?? "";

    [Fact]
    public async Task ResultsXlsx_ReadBack_IdsExact_MoneyNumericWithFormat_ChineseHeaders()
    {
        using var data = new TestData();
        await using var ds = await LongIdBatchAsync(pg, data);
        string path = Path.Combine(data.Dir, "results.xlsx");
        long n = await new FinanceExporter(ds).ResultsAsync(TestData.Batch, path);
        Assert.Equal(3, n);

        using var doc = SpreadsheetDocument.Open(path, false);
        var wb = doc.WorkbookPart!;
        var formats = wb.WorkbookStylesPart!.Stylesheet!.CellFormats!.Elements<CellFormat>().ToList();
        var numFmts = wb.WorkbookStylesPart.Stylesheet.NumberingFormats!.Elements<NumberingFormat>().ToDictionary(f => f.NumberFormatId!.Value, f => f.FormatCode!.Value);
        var rows = wb.WorksheetParts.Single().Worksheet!.GetFirstChild<SheetData>()!.Elements<Row>().ToList();
        // National report header above the table.
        Assert.Contains(rows.Take(4), r => CellText(r.Elements<Cell>().First()).StartsWith("编制单位：本溪市", StringComparison.Ordinal));
        Assert.Contains(rows.Take(4), r => CellText(r.Elements<Cell>().First()) == "单位：元");
        int h = rows.FindIndex(r => CellText(r.Elements<Cell>().First()) == "结算ID (setl_id)");
        Assert.True(h >= 0);
        var header = rows[h].Elements<Cell>().Select(CellText).ToList();
        Assert.Contains("人员编号 (psn_no)", header);
        Assert.Contains("医疗费总额 (medfee_sumamt)", header);
        int setl = 0, psn = header.IndexOf("人员编号 (psn_no)"), medfee = header.IndexOf("医疗费总额 (medfee_sumamt)"), hifp = header.IndexOf("基本医疗保险统筹基金支出 (hifp_pay)");

        var body = rows.Skip(h + 1).Select(r => r.Elements<Cell>().ToList()).ToList();
        var mine = body.Single(c => CellText(c[setl]) == LongSetlId);
        Assert.Equal(CellValues.InlineString, mine[setl].DataType!.Value);
        Assert.Equal(LongPsnNo, CellText(mine[psn]));
        Assert.Equal(CellValues.InlineString, mine[psn].DataType!.Value);
        Assert.Equal(CellValues.Number, mine[medfee].DataType!.Value);
        Assert.Equal(12355.67m, decimal.Parse(CellText(mine[medfee]), CultureInfo.InvariantCulture));
        Assert.Equal("#,##0.00", numFmts[formats[(int)mine[medfee].StyleIndex!.Value].NumberFormatId!.Value]);

        await using var c = await ds.OpenConnectionAsync();
        long hifpFen = await c.ExecuteScalarAsync<long>("SELECT hifp_pay FROM settlement_result WHERE setl_id = @LongSetlId", new { LongSetlId });
        Assert.Equal(hifpFen / 100m, decimal.Parse(CellText(mine[hifp]), CultureInfo.InvariantCulture));
        // Totals row: the sum of the column, numeric.
        var totals = body[^1];
        Assert.Equal("合计", CellText(totals[0]));
        long totalMedfee = await c.ExecuteScalarAsync<long>("SELECT sum(medfee_sumamt) FROM settlement_result WHERE batch_id = @b", new { b = TestData.Batch });
        Assert.Equal(totalMedfee / 100m, decimal.Parse(CellText(totals[medfee]), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ExcelFriendlyCsv_HasBom_AndProtectsIds_ContractCsvUnchanged()
    {
        using var data = new TestData();
        await using var ds = await LongIdBatchAsync(pg, data);
        string plain = Path.Combine(data.Dir, "r.csv"), friendly = Path.Combine(data.Dir, "r-excel.csv");
        await new BatchExporter(ds).ExportResultsAsync(TestData.Batch, plain);
        await new BatchExporter(ds, excelFriendly: true).ExportResultsAsync(TestData.Batch, friendly);
        var p = await File.ReadAllBytesAsync(plain);
        var f = await File.ReadAllBytesAsync(friendly);
        Assert.NotEqual(0xEF, p[0]);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, f[..3]);
        string fl = Encoding.UTF8.GetString(f[3..]).Split('\n').Single(l => l.Contains(LongSetlId, StringComparison.Ordinal));
        Assert.StartsWith($"\"=\"\"{LongSetlId}\"\"\",\"=\"\"{LongPsnNo}\"\"\"", fl, StringComparison.Ordinal);
        string pl = Encoding.UTF8.GetString(p).Split('\n').Single(l => l.Contains(LongSetlId, StringComparison.Ordinal));
        Assert.StartsWith($"{LongSetlId},{LongPsnNo},", pl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FinanceXlsx_StatementsTrialBalanceAndReports_Open()
    {
        await using var w = await FinanceWorld.CreateAsync(pg);
        await w.RunMonthAsync("2025-03");
        Assert.True((await w.Periods.CloseAsync(FinanceWorld.A, "2025-03", "t")).Closed);
        var file = await w.PayEverythingFileAsync("2025-03", new DateOnly(2025, 4, 15), "X-");
        await w.Clearing.RecordPaymentsAsync(FinanceWorld.A, Clearing.ReadFile(file).Rows, file, "t");
        var x = new FinanceExporter(w.Ds);
        string dir = w.Data.Dir;
        Assert.True(await x.StatementsAsync(FinanceWorld.A, "2025-03", Path.Combine(dir, "s.xlsx")) > 0);
        Assert.True(await x.SubLedgerAsync(FinanceWorld.A, "2025-03", Path.Combine(dir, "l.xlsx")) > 0);
        Assert.True(await x.VouchersAsync(FinanceWorld.A, "2025-04", Path.Combine(dir, "v.xlsx")) > 0);
        Assert.True(await x.OutstandingAsync(FinanceWorld.A, new DateOnly(2025, 4, 30), Path.Combine(dir, "o.xlsx")) > 0);
        Assert.True(FinanceExporter.TrialBalance(await w.Reports.TrialBalanceAsync("210500-390100", "2025-04"), Path.Combine(dir, "tb.xlsx")) > 0);
        Assert.True(FinanceExporter.Report(await w.Reports.IncomeStatementAsync("210500-390100", "2025-04"), Path.Combine(dir, "02.xlsx")) > 0);
        using var doc = SpreadsheetDocument.Open(Path.Combine(dir, "02.xlsx"), false);
        var texts = doc.WorkbookPart!.WorksheetParts.Single().Worksheet!.Descendants<Cell>().Select(CellText).ToList();
        Assert.Contains("会社保02表", texts);
        Assert.Contains("险种：城乡居民基本医疗保险基金", texts);
        using var s = SpreadsheetDocument.Open(Path.Combine(dir, "s.xlsx"), false);
        Assert.Contains("预留质量保证金 (dpst_sumamt)", s.WorkbookPart!.WorksheetParts.Single().Worksheet!.Descendants<Cell>().Select(CellText));
    }
}

/// <summary>
/// GC.GetTotalMemory counts the whole process: run alone, after the parallel collections, so another test's live objects
/// are not read as this writer's growth (CI saw 15 MB "growth" that was a database test running beside it).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasuredCollection
{
    public const string Name = "heap-measured (alone)";
}

[Collection(HeapMeasuredCollection.Name)]
public sealed class XlsxStreamingTests
{
    /// <summary>The sheet is zipped as it is written: the managed heap does not grow with the row count.</summary>
    [Fact]
    public void Writer_150kRows_HeapStaysFlat()
    {
        string dir = Directory.CreateTempSubdirectory("bs-xlsx-").FullName;
        try
        {
            string path = Path.Combine(dir, "big.xlsx");
            long at25k = 0, at150k = 0;
            using (var x = XlsxWriter.Create(path, "big"))
            {
                x.Header([new("结算ID", "setl_id", XlsxKind.Id), new("人员编号", "psn_no", XlsxKind.Id), new("医疗费总额", "medfee_sumamt", XlsxKind.Money), new("基金支付总额", "fund_pay_sumamt", XlsxKind.Money)]);
                for (long i = 0; i < 150_000; i++)
                {
                    x.Row([(2105002025030000000000m + i).ToString(CultureInfo.InvariantCulture), "21050000" + i.ToString("D8", CultureInfo.InvariantCulture), 123_456 + i, 99_999 + i]);
                    if (i == 25_000) at25k = GC.GetTotalMemory(true);
                }
                at150k = GC.GetTotalMemory(true);
                x.Totals();
                x.Complete();
            }
            // Buffered, 125k rows of sheet XML would be tens of MB.
            Assert.True(at150k - at25k < 4_000_000, $"heap grew {at150k - at25k:N0} bytes from 25k to 150k rows");
            Assert.True(new FileInfo(path).Length > 1_000_000);
            using var doc = SpreadsheetDocument.Open(path, false);
            using var reader = DocumentFormat.OpenXml.OpenXmlReader.Create(doc.WorkbookPart!.WorksheetParts.Single());
            long rows = 0;
            while (reader.Read()) if (reader.ElementType == typeof(Row) && reader.IsStartElement) rows++;
            Assert.Equal(150_002, rows);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
