using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;

namespace BatchSettle.Data.Tests.Staging;

[Collection(PostgresCollection.Name)]
public sealed class StagingLoaderTests(PostgresFixture pg)
{
    [Fact]
    public async Task Load_SameFilesTwice_SecondLoadAddsNothing()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(5);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, TimeProvider.System);
        var c1 = await loader.LoadClaimsAsync(claims);
        await loader.LoadPersonsAsync(persons);

        var c2 = await loader.LoadClaimsAsync(claims);

        Assert.Equal(c1.Rows, c1.Inserted);
        Assert.Equal(0, c2.Inserted);
        Assert.Equal(c1.Rows, c2.AlreadyLoaded);
        Assert.Equal(c1.Rows, await ds.OpenConnection().ExecuteScalarAsync<int>("SELECT count(*) FROM staging_claim"));
    }

    [Fact]
    public async Task Load_SameSetlIdDifferentContent_NamedReject()
    {
        using var data = new TestData();
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, TimeProvider.System);
        await loader.LoadClaimsAsync(data.Write("a.csv", TestData.ClaimsHeader, [TestData.Claim("X1", "P1", "2025-03-01", 100m)]));

        var r = await loader.LoadClaimsAsync(data.Write("b.csv", TestData.ClaimsHeader, [TestData.Claim("X1", "P1", "2025-03-01", 200m)]));

        Assert.Equal(1, r.Rejected);
        var reason = await ds.OpenConnection().QuerySingleAsync<string>("SELECT reason FROM staging_reject WHERE setl_id = 'X1'");
        Assert.Contains("different content", reason, StringComparison.Ordinal);
        Assert.Equal(100m, await ds.OpenConnection().ExecuteScalarAsync<decimal>("SELECT inscp_scp_amt FROM staging_claim WHERE setl_id = 'X1'"));
    }

    [Fact]
    public async Task Load_UnknownColumn_ErrorNamesIt()
    {
        using var data = new TestData();
        await using var ds = await pg.NewDatabaseAsync();
        string path = data.Write("c.csv", TestData.ClaimsHeader + ",colour", [TestData.Claim("X1", "P1", "2025-03-01", 100m) + ",red"]);

        var e = await Assert.ThrowsAsync<LoadException>(() => new StagingLoader(ds, TimeProvider.System).LoadClaimsAsync(path));

        Assert.Contains("'colour'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_BadValues_RejectNamesFileLineFieldReason()
    {
        using var data = new TestData();
        await using var ds = await pg.NewDatabaseAsync();
        string ok = TestData.Claim("X1", "P1", "2025-03-01", 100m);
        string path = data.Write("c.csv", TestData.ClaimsHeader, [ok, ok.Replace("X1", "X2", StringComparison.Ordinal).Replace(",true,local", ",yes,local", StringComparison.Ordinal)]);

        var r = await new StagingLoader(ds, TimeProvider.System).LoadClaimsAsync(path);

        Assert.Equal(1, r.Inserted);
        Assert.Equal(1, r.Rejected);
        var rej = await ds.OpenConnection().QuerySingleAsync<(string File, int Line, string Field, string Reason)>(
            "SELECT source_file, source_line, field, reason FROM staging_reject");
        Assert.EndsWith("c.csv", rej.File, StringComparison.Ordinal);
        Assert.Equal(3, rej.Line);
        Assert.Equal("designated", rej.Field);
        Assert.Contains("'yes'", rej.Reason, StringComparison.Ordinal);
    }
}
