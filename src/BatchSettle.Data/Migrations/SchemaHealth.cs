using Dapper;
using Npgsql;

namespace BatchSettle.Data.Migrations;

/// <summary>
/// The state a health check reports: the database answers, and its schema is current — every numbered migration in
/// <c>sql/</c> recorded in <c>schema_migrations</c> and Hangfire's schema at the version the runner installs. Says
/// nothing about the database beyond that (no host, no name, no error text).
/// </summary>
public sealed record SchemaHealth(bool Reachable, bool Current, int Migrations, int Pending)
{
    public bool Healthy => Reachable && Current;

    /// <summary>Checks <paramref name="dataSource"/> against the migrations in <paramref name="sqlDir"/>, within <paramref name="timeout"/>.</summary>
    public static async Task<SchemaHealth> CheckAsync(NpgsqlDataSource dataSource, string sqlDir, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var expected = new MigrationRunner(dataSource, sqlDir).Migrations();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(cts.Token);
            var applied = new HashSet<int>();
            if (await conn.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT to_regclass('schema_migrations') IS NOT NULL", cancellationToken: cts.Token)))
            {
                applied.UnionWith(await conn.QueryAsync<int>(new CommandDefinition("SELECT version FROM schema_migrations", cancellationToken: cts.Token)));
            }

            int pending = expected.Count(m => !applied.Contains(m.Version));
            int? hangfire = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
                    $"SELECT to_regclass('\"{MigrationRunner.HangfireSchema}\".\"schema\"') IS NOT NULL", cancellationToken: cts.Token))
                ? await conn.ExecuteScalarAsync<int?>(new CommandDefinition(
                    $"SELECT max(version) FROM \"{MigrationRunner.HangfireSchema}\".\"schema\"", cancellationToken: cts.Token))
                : null;
            if (hangfire is null || hangfire < MigrationRunner.HangfireSchemaVersion)
            {
                pending++;
            }

            return new SchemaHealth(true, pending == 0, expected.Count, pending);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException
                                       || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return new SchemaHealth(false, false, expected.Count, 0);
        }
    }
}
