using BatchSettle.Data.Embedded;
using Npgsql;

namespace BatchSettle.Data.Tests.Infrastructure;

/// <summary>
/// One private PostgreSQL cluster per test run (temp folder, free loopback port, fsync off); each test asks for its
/// own fresh, migrated database.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "batchsettle-test-" + Guid.NewGuid().ToString("N")[..12]);
    private EmbeddedPostgres? _pg;
    private int _n;

    public EmbeddedPostgres Cluster => _pg ?? throw new InvalidOperationException("cluster not started");

    public async Task InitializeAsync() =>
        _pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDir = _dir, Durable = false });

    public async Task DisposeAsync()
    {
        if (_pg is not null) await _pg.StopAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>A new database with the schema and policy data applied.</summary>
    public Task<NpgsqlDataSource> NewDatabaseAsync() =>
        Cluster.CreateMigratedDatabaseAsync($"t{Interlocked.Increment(ref _n)}_{Guid.NewGuid().ToString("N")[..8]}");
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
