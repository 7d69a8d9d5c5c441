using BatchSettle.Data.Migrations;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;

namespace BatchSettle.Data.Tests.Migrations;

/// <summary>
/// Hangfire's tables are installed by our migrations runner, under its advisory lock, not by Hangfire at start-up:
/// present after a migrate, at the version the storage package expects, untouched by a second migrate, and two
/// migrations racing on one new database both succeed (Hangfire's own installer, run twice at once, does not).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HangfireSchemaTests(PostgresFixture pg)
{
    [Fact]
    public async Task Migrate_InstallsHangfireSchema_AtExpectedVersion_Idempotently()
    {
        await using var ds = await pg.NewDatabaseAsync();
        await using var conn = await ds.OpenConnectionAsync();
        Assert.Equal(MigrationRunner.HangfireSchemaVersion, await conn.ExecuteScalarAsync<int>("SELECT max(version) FROM hangfire.schema"));
        foreach (var table in new[] { "job", "jobqueue", "state", "jobparameter", "hash", "set", "list", "counter", "server", "lock" })
        {
            Assert.True(await conn.ExecuteScalarAsync<bool>(
                "SELECT to_regclass('hangfire.' || @table) IS NOT NULL", new { table }), $"hangfire.{table} missing");
        }

        await conn.ExecuteAsync("INSERT INTO hangfire.counter (key, value) VALUES ('probe', 1)");
        await new MigrationRunner(ds, SqlLocator.Find()).MigrateAsync();
        Assert.Equal(1, await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM hangfire.counter WHERE key = 'probe'"));
        Assert.Equal(1, await conn.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM hangfire.schema WHERE version = @v", new { v = MigrationRunner.HangfireSchemaVersion }));
    }

    [Fact]
    public async Task TwoMigrationsAtOnce_OnEmptyDatabase_BothSucceed()
    {
        var name = $"race_{Guid.NewGuid().ToString("N")[..8]}";
        await pg.Cluster.CreateDatabaseAsync(name);
        await using var a = BatchSettle.Data.Infrastructure.BatchSettleDatabase.CreateDataSource(pg.Cluster.ConnectionString(name), "race-a");
        await using var b = BatchSettle.Data.Infrastructure.BatchSettleDatabase.CreateDataSource(pg.Cluster.ConnectionString(name), "race-b");
        await Task.WhenAll(
            new MigrationRunner(a, SqlLocator.Find()).MigrateAsync(),
            new MigrationRunner(b, SqlLocator.Find()).MigrateAsync());
        await using var conn = await a.OpenConnectionAsync();
        Assert.Equal(MigrationRunner.HangfireSchemaVersion, await conn.ExecuteScalarAsync<int>("SELECT max(version) FROM hangfire.schema"));
    }
}
