using BatchSettle.Data.Export;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;

namespace BatchSettle.Data.Tests.Export;

/// <summary>CONTRACT.md Output 1: a quarantined row is bad input, not settled: no calculated amounts (empty = null).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ExportQuarantineTests(PostgresFixture pg)
{
    private static readonly string[] Calculated =
        ["act_pay_dedc", "hifp_pay", "pool_prop_selfpay", "hifmi_pay", "hifob_pay", "maf_pay", "maf_tilted_pay",
         "fund_pay_sumamt", "psn_part_amt", "assumed_params"];

    private static readonly string[] Inputs = ["medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt"];

    [Fact]
    public async Task ExportResults_QuarantinedRows_CalculatedColumnsEmptyInputsKept()
    {
        using var data = new TestData();
        string persons = data.Write("p.csv", TestData.PersonsHeader, [TestData.Person("A1"), TestData.Person("A2")]);
        string claims = data.Write("c.csv", TestData.ClaimsHeader,
        [
            TestData.Claim("OK1", "A1", "2025-03-05", 5000m),
            TestData.Claim("BADMED", "A1", "2025-03-06", 100m, 20m, medType: "99"),
            TestData.Claim("NOBODY", "ZZ", "2025-03-06", 100m),
            TestData.Claim("BADDEC", "A2", "2025-03-08", 100m).Replace(",100.00,0.00,0,0,100.00,", ",100.005,0.00,0,0,100.005,", StringComparison.Ordinal),
            TestData.Claim("BADDATE", "A2", "2025-02-30", 100m),
        ]);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, TimeProvider.System);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        Assert.True((await new BatchRunner(ds, TimeProvider.System).RunBatchAsync(TestData.Batch, new BatchRunOptions())).Succeeded);
        string path = Path.Combine(data.Dir, "results.csv");

        await new BatchExporter(ds).ExportResultsAsync(TestData.Batch, path);

        var text = await File.ReadAllLinesAsync(path);
        var header = text[0].Split(',');
        var rows = text.Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[0], c => c);
        string Cell(string setl, string col) => rows[setl][Array.IndexOf(header, col)];
        foreach (var setl in new[] { "BADMED", "NOBODY", "BADDEC", "BADDATE" })
        {
            Assert.Equal("quarantined", Cell(setl, "status"));
            Assert.NotEqual("", Cell(setl, "reason"));
            foreach (var col in Calculated) Assert.True(Cell(setl, col) == "", $"{setl}.{col} = '{Cell(setl, col)}'");
        }
        // Input amounts as given when they are valid money; a value with more than two decimals is left empty.
        Assert.Equal("120.00", Cell("BADMED", "medfee_sumamt"));
        Assert.Equal("20.00", Cell("BADMED", "fulamt_ownpay_amt"));
        Assert.Equal("100.00", Cell("NOBODY", "inscp_scp_amt"));
        Assert.Equal("", Cell("BADDEC", "inscp_scp_amt"));
        Assert.Equal("0.00", Cell("BADDEC", "fulamt_ownpay_amt"));
        // A settled row keeps every column.
        Assert.Equal("settled", Cell("OK1", "status"));
        foreach (var col in Calculated.Concat(Inputs)) Assert.NotEqual("", Cell("OK1", col));
    }
}
