using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Ledger;

/// <summary>Every append-only table refuses change through the one refuse_change() trigger (migration 025).</summary>
[Collection(PostgresCollection.Name)]
public sealed class AppendOnlyTests(PostgresFixture pg)
{
    [Theory]
    [InlineData("ledger_line", "post a reversing entry instead")]
    [InlineData("audit_action", "the audit trail is kept as written")]
    [InlineData("premium_subsidy", "its ledger entry is posted")]
    [InlineData("assistance_application", "its ledger entry is posted")]
    public async Task Truncate_Refused_NamingTheTableAndWhy(string table, string advice)
    {
        await using var ds = await pg.NewDatabaseAsync();
        await using var c = await ds.OpenConnectionAsync();

        var e = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync($"TRUNCATE {table} CASCADE"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        Assert.Equal($"{table} is append-only: TRUNCATE refused ({advice})", e.MessageText);
    }

    [Fact]
    public async Task NoOtherTriggerFunctionRefusesChange()
    {
        await using var ds = await pg.NewDatabaseAsync();
        await using var c = await ds.OpenConnectionAsync();

        var left = await c.QueryAsync<string>("SELECT proname FROM pg_proc WHERE proname LIKE '%append_only'");

        Assert.Empty(left);
    }
}
