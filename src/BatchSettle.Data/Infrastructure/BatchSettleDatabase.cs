using BatchSettle.Data.Embedded;
using BatchSettle.Data.Migrations;
using Npgsql;

namespace BatchSettle.Data.Infrastructure;

/// <summary>
/// Where the product's database is: <c>BATCHSETTLE_DB</c> when set, otherwise the embedded cluster under
/// <c>&lt;checkout&gt;/.data/pg</c>. Opening it migrates first (CONTRACT.md: pointed at an empty database, the CLI
/// creates its schema itself).
/// </summary>
public static class BatchSettleDatabase
{
    public const string EnvVar = "BATCHSETTLE_DB";

    /// <summary>The embedded cluster's folder: <c>&lt;checkout&gt;/.data/pg</c> (or <c>./.data/pg</c> outside a checkout).</summary>
    public static string EmbeddedDataDir() =>
        Path.Combine(Checkout.FindRoot() ?? Directory.GetCurrentDirectory(), ".data", "pg");

    /// <summary>The connection string to use, starting the embedded cluster when BATCHSETTLE_DB is not set.</summary>
    public static async Task<string> ResolveConnectionStringAsync(CancellationToken ct = default)
    {
        string? env = Environment.GetEnvironmentVariable(EnvVar);
        if (!string.IsNullOrWhiteSpace(env)) return env;
        var pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDir = EmbeddedDataDir() }, ct);
        return pg.ConnectionString();
    }

    /// <summary>The one data source of a process.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, string applicationName = "batchsettle")
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = applicationName };
        if (!csb.ContainsKey("Maximum Pool Size")) csb.MaxPoolSize = 64;
        return new NpgsqlDataSourceBuilder(csb.ConnectionString).Build();
    }

    /// <summary>Resolves, connects and migrates: the data source every CLI verb works on.</summary>
    public static async Task<NpgsqlDataSource> OpenAsync(TextWriter? log, CancellationToken ct = default)
    {
        var ds = CreateDataSource(await ResolveConnectionStringAsync(ct));
        try
        {
            await new MigrationRunner(ds, SqlLocator.Find(), log).MigrateAsync(ct);
            return ds;
        }
        catch
        {
            await ds.DisposeAsync();
            throw;
        }
    }
}
