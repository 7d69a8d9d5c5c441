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

    /// <summary>
    /// Connection string of the schema owner for the migrations (README "Security"): when set, the product migrates
    /// with it and works with <see cref="EnvVar"/> (the runtime role). When not set, it migrates with BATCHSETTLE_DB.
    /// </summary>
    public const string OwnerEnvVar = "BATCHSETTLE_DB_OWNER";

    /// <summary>The connection string to use, starting the embedded cluster when BATCHSETTLE_DB is not set.</summary>
    public static Task<string> ResolveConnectionStringAsync(CancellationToken ct = default) => ResolveConnectionStringAsync(null, ct);

    /// <summary>
    /// The connection string the product works with. Embedded: the cluster is started, migrated as its superuser,
    /// and the runtime role's string returned. BATCHSETTLE_DB with BATCHSETTLE_DB_OWNER: migrated with the owner's,
    /// BATCHSETTLE_DB returned. BATCHSETTLE_DB alone: returned as it is (the caller migrates with it).
    /// </summary>
    public static async Task<string> ResolveConnectionStringAsync(TextWriter? log, CancellationToken ct = default)
    {
        string? env = Environment.GetEnvironmentVariable(EnvVar);
        if (!string.IsNullOrWhiteSpace(env))
        {
            string? owner = Environment.GetEnvironmentVariable(OwnerEnvVar);
            if (!string.IsNullOrWhiteSpace(owner)) await MigrateWithAsync(owner, log, ct);
            return env;
        }
        var pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDir = EmbeddedDataDir() }, ct);
        await MigrateWithAsync(pg.ConnectionString(), log, ct);
        await pg.EnsureRuntimeLoginAsync(ct: ct);
        return pg.RuntimeConnectionString();
    }

    private static async Task MigrateWithAsync(string connectionString, TextWriter? log, CancellationToken ct)
    {
        await using var ds = CreateDataSource(connectionString, "batchsettle-migrate");
        await new MigrationRunner(ds, SqlLocator.Find(), log).MigrateAsync(ct);
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
        var ds = CreateDataSource(await ResolveConnectionStringAsync(log, ct));
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
