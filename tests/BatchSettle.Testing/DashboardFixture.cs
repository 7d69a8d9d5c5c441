using System.Text;
using BatchSettle.Data.Embedded;
using BatchSettle.Data.Staging;
using BatchSettle.Generator;
using Npgsql;
using Xunit;

namespace BatchSettle.Testing;

/// <summary>
/// One private PostgreSQL cluster (the data layer's embedded server: temp folder, free loopback port) for the
/// dashboard, telemetry and browser tests; each test takes its own migrated database. They share one collection, so
/// they run one after another: the telemetry tests listen process-wide and must not hear another test's run.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string Benxi = "210500-2025-03";
    public const string Yingkou = "210800-2025-03";

    private readonly string dir = Path.Combine(Path.GetTempPath(), "batchsettle-dash-" + Guid.NewGuid().ToString("N")[..12]);
    private EmbeddedPostgres? pg;
    private int databases;

    public async Task InitializeAsync() =>
        pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDir = dir, Durable = false });

    public async Task DisposeAsync()
    {
        if (pg is not null)
        {
            await pg.StopAsync();
        }

        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A new database with the product's schema (sql/ 001…012) and policy data.</summary>
    public Task<NpgsqlDataSource> NewDatabaseAsync() =>
        (pg ?? throw new InvalidOperationException("cluster not started"))
            .CreateMigratedDatabaseAsync($"dash{Interlocked.Increment(ref databases)}_{Guid.NewGuid().ToString("N")[..8]}");

    /// <summary>A synthetic month written to a new temp folder: (folder, persons.csv, claims.csv).</summary>
    public static (string Dir, string Persons, string Claims) WriteMonth(int persons, long claims, ulong seed)
    {
        var folder = Directory.CreateTempSubdirectory("bs-month-").FullName;
        var personsCsv = Path.Combine(folder, "persons.csv");
        var claimsCsv = Path.Combine(folder, "claims.csv");
        using (var p = new StreamWriter(personsCsv, false, new UTF8Encoding(false)))
        using (var c = new StreamWriter(claimsCsv, false, new UTF8Encoding(false)))
        {
            DataGenerator.Write(new GenerateOptions(persons, claims, seed, 2025, 3), p, c);
        }

        return (folder, personsCsv, claimsCsv);
    }

    /// <summary>A new database loaded with a synthetic month (the generator's output, both regions' March batches).</summary>
    public async Task<NpgsqlDataSource> NewLoadedDatabaseAsync(int persons, long claims, ulong seed = 7)
    {
        var db = await NewDatabaseAsync();
        var folder = Directory.CreateTempSubdirectory("bs-dash-data-").FullName;
        try
        {
            var personsCsv = Path.Combine(folder, "persons.csv");
            var claimsCsv = Path.Combine(folder, "claims.csv");
            await using (var p = new StreamWriter(personsCsv, false, new UTF8Encoding(false)))
            await using (var c = new StreamWriter(claimsCsv, false, new UTF8Encoding(false)))
            {
                DataGenerator.Write(new GenerateOptions(persons, claims, seed, 2025, 3), p, c);
            }

            var loader = new StagingLoader(db, TimeProvider.System);
            await loader.LoadPersonsAsync(personsCsv);
            await loader.LoadClaimsAsync(claimsCsv);
            return db;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
