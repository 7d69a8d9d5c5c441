using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;

namespace BatchSettle.Data.Tests.Runs;

/// <summary>
/// EL-05 through the runner: a Benxi student who paid in the 2024 centralised period is covered from 2023-09-01, so a
/// 2023 claim with no 2023 registry row settles against the 2024 row. Anyone else without a row for the claim's year
/// is not enrolled (EL-01).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StudentYearTests(PostgresFixture pg)
{
    [Fact]
    [Trait("Rule", "EL-05")]
    public async Task Run_StudentClaimBeforeTheStudentYear_SettlesAgainstNextYearsRow()
    {
        using var data = new TestData();
        var persons = data.Write("persons.csv", TestData.PersonsHeader,
        [
            "STU1,210500,390,2006-05-01,2024,student,2023-11-15,,0,0,1,0,,,false",
            "ADU1,210500,390,1970-05-01,2024,centralised,2023-11-15,,0,0,1,0,,,false",
        ]);
        var claims = data.Write("claims.csv", TestData.ClaimsHeader,
        [
            TestData.Claim("E05-S", "STU1", "2023-10-20", 10_000m),
            TestData.Claim("E05-A", "ADU1", "2023-10-20", 10_000m),
        ]);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, TimeProvider.System);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);

        var summary = await new BatchRunner(ds, TimeProvider.System).RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 1 });

        Assert.True(summary.Succeeded, summary.Format());
        await using var conn = ds.OpenConnection();
        var student = await conn.QuerySingleAsync<(string Status, long Hifp, int Year, string Trace)>(
            "SELECT status, hifp_pay, year, trace FROM settlement_result WHERE setl_id = 'E05-S'");
        // Benxi resident, tertiary (level 3) in the city, BX-IP-01: (10,000 − 800) × 65 % = 5,980.00 yuan.
        Assert.Equal("settled", student.Status);
        Assert.Equal(598_000, student.Hifp);
        Assert.Equal(2023, student.Year);
        Assert.Contains("EL-05", student.Trace, StringComparison.Ordinal);
        var adult = await conn.QuerySingleAsync<(string Status, string Reason)>(
            "SELECT status, reason FROM settlement_result WHERE setl_id = 'E05-A'");
        Assert.Equal(("rejected", "EL-01"), adult);
    }
}
