using System.Text;
using BatchSettle.Data.Embedded;
using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Generator;
using Npgsql;
using Xunit;

namespace BatchSettle.Testing;

/// <summary>
/// One private PostgreSQL cluster (the data layer's <see cref="EmbeddedPostgres"/>: the machine's initdb/pg_ctl on a
/// free loopback port) for the fault tests, one generated claim file, and the reference: the same batch settled by an
/// uninterrupted in-process run. Each test gets its own database loaded from the same files, so claim_seq (and so the
/// ledger's entry ids) are the same as the reference's.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string Batch = "210500-2025-03";
    public const int Partitions = 6;
    public const int ChunkClaims = 50;

    // Not CreateTempSubdirectory: that folder is 0700, and as root the cluster runs as postgres, which must get in.
    private readonly string dir = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), "bs-worker-faults-" + Guid.NewGuid().ToString("N")[..12])).FullName;
    private EmbeddedPostgres? pg;
    private int databases;

    public EmbeddedPostgresOptions PgOptions => new() { DataDir = Path.Combine(dir, "pg"), Durable = false };

    public EmbeddedPostgres Cluster => pg ?? throw new InvalidOperationException("cluster not started");

    public string PersonsCsv => Path.Combine(dir, "data", "persons.csv");

    public string ClaimsCsv => Path.Combine(dir, "data", "claims.csv");

    public string LogDir { get; } = Directory.CreateTempSubdirectory("bs-worker-logs-").FullName;

    /// <summary>Results, ledger and accumulators of the uninterrupted run.</summary>
    public Snapshot Reference { get; private set; } = Snapshot.Empty;

    public async Task InitializeAsync()
    {
        pg = await EmbeddedPostgres.StartAsync(PgOptions);
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        // ~2,100 claims in the Benxi batch over 1,500 persons: a few seconds a run, enough partitions and chunks to
        // stop it in the middle many ways.
        using (var persons = new StreamWriter(PersonsCsv, false, new UTF8Encoding(false)))
        using (var claims = new StreamWriter(ClaimsCsv, false, new UTF8Encoding(false)))
        {
            DataGenerator.Write(new GenerateOptions(1500, 4000, 7, 2025, 3), persons, claims);
        }

        var cs = await NewLoadedDatabaseAsync();
        await using var ds = BatchSettleDatabase.CreateDataSource(cs, "batchsettle-test-ref");
        var summary = await new BatchRunner(ds, TimeProvider.System).RunBatchAsync(
            Batch, new BatchRunOptions { Partitions = Partitions, ChunkClaims = ChunkClaims, Parallelism = 2 });
        Assert.True(summary.Succeeded, summary.Format());
        Reference = await Snapshot.TakeAsync(cs);
        Assert.True(Reference.Results.Count > 1000, "the reference run settled too little to prove anything");
    }

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
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>A fresh database, migrated (Hangfire's schema included) and loaded with the fixture's persons and claims.</summary>
    public async Task<string> NewLoadedDatabaseAsync()
    {
        var name = $"w{Interlocked.Increment(ref databases)}_{Guid.NewGuid().ToString("N")[..8]}";
        await using (var ds = await Cluster.CreateMigratedDatabaseAsync(name))
        {
            var loader = new StagingLoader(ds, TimeProvider.System);
            await loader.LoadPersonsAsync(PersonsCsv);
            await loader.LoadClaimsAsync(ClaimsCsv);
        }

        return Cluster.ConnectionString(name);
    }

    /// <summary>pg_ctl stop -m fast, then start on the same port: every open connection is cut.</summary>
    public async Task RestartPostgresAsync(TimeSpan down)
    {
        await Cluster.StopAsync();
        // This process's pooled connections died with the server; the workers' pools are theirs to cope with.
        NpgsqlConnection.ClearAllPools();
        await Task.Delay(down);
        pg = await EmbeddedPostgres.StartAsync(PgOptions);
    }
}
