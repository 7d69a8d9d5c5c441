using BatchSettle.Data.Export;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;

namespace BatchSettle.Data.Tests.Export;

/// <summary>Issue 12, item 5: exports are formula-injection safe, atomic, and refuse a batch that does not exist.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ExportSafetyTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;

    [Fact]
    public async Task TextCellsStartingWithFormulaCharactersEscaped_NegativeMoneyKept_FileReplacedWhole()
    {
        using var data = new TestData();
        string persons = data.Write("p.csv", TestData.PersonsHeader, [TestData.Person("=HYPERLINK(\"x\")"), TestData.Person("@P2")]);
        string claims = data.Write("c.csv", TestData.ClaimsHeader, new[]
        {
            TestData.Claim("+S1", "=HYPERLINK(\"x\")", "2025-03-05", 5000m, 20m),
            TestData.Claim("-R1", "=HYPERLINK(\"x\")", "2025-03-09", -5000m, -20m, reversalOf: "+S1"),
            TestData.Claim("S2", "@P2", "2025-03-06", 800m),
        }.Select(l => l.Replace("=HYPERLINK(\"x\")", "\"=HYPERLINK(\"\"x\"\")\"", StringComparison.Ordinal)));
        string fixedPersons = File.ReadAllText(persons).Replace("=HYPERLINK(\"x\")", "\"=HYPERLINK(\"\"x\"\")\"", StringComparison.Ordinal);
        File.WriteAllText(persons, fixedPersons);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        Assert.True((await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions())).Succeeded);
        var x = new BatchExporter(ds);
        string path = Path.Combine(data.Dir, "out", "r.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "previous good export\n");

        Assert.Equal(3, await x.ExportResultsAsync(TestData.Batch, path));

        var lines = File.ReadAllLines(path);
        Assert.Equal(BatchExporter.ResultsHeader, lines[0]);
        Assert.Contains(lines, l => l.StartsWith("\"'+S1\",\"'=HYPERLINK(\"\"x\"\")\",", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("\"'-R1\",", StringComparison.Ordinal) && l.Contains(",-5020.00,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("S2,\"'@P2\",", StringComparison.Ordinal));
        Assert.DoesNotContain(lines.Skip(1), l => l.Split(',').Any(c => c.Length > 0 && c[0] is '=' or '+' or '@'));
        Assert.Equal(["r.csv"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));

        Assert.Null(await BatchLookup.ProblemAsync(ds, TestData.Batch));
        Assert.Contains("does not exist", await BatchLookup.ProblemAsync(ds, "210500-2025-0#"), StringComparison.Ordinal);
    }
}
