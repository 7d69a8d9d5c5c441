using Dapper;
using Npgsql;

namespace BatchSettle.Data.Runs;

/// <summary>A run as <c>batchsettle status</c> and <c>trigger --wait</c> show it: its state and how far its partitions are.</summary>
public sealed record RunStatus(
    long RunId, string BatchId, string Status, int Attempt, int Partitions, string RequestedBy,
    DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt, string? Error,
    long ClaimsDone, long ClaimsTotal, int PartitionsDone)
{
    /// <summary>The run has ended (no longer queued or running).</summary>
    public bool Ended => Status is not ("queued" or "running");

    /// <summary>The exit code a command following this run ends with: 0 succeeded (with or without quarantine), 1 otherwise.</summary>
    public int ExitCode => Status is "succeeded" or "succeeded_with_quarantine" ? 0 : 1;
}

/// <summary>
/// Reads runs and their progress from the run and run_partition tables (claims done of total, summed over the
/// partitions: what every chunk commit advances), so a process other than the one settling can follow a run.
/// </summary>
public sealed class RunStatusQuery(NpgsqlDataSource dataSource)
{
    private const string Select =
        """
        SELECT r.run_id AS RunId, r.batch_id AS BatchId, r.status AS Status, r.attempt AS Attempt, r.partitions AS Partitions,
               r.requested_by AS RequestedBy, r.created_at AS CreatedAt, r.started_at AS StartedAt, r.finished_at AS FinishedAt,
               r.error AS Error, COALESCE(p.done, 0)::bigint AS ClaimsDone, COALESCE(p.total, 0)::bigint AS ClaimsTotal,
               COALESCE(p.parts_done, 0)::int AS PartitionsDone
        FROM run r
        LEFT JOIN LATERAL (SELECT sum(claims_done)::bigint AS done, sum(claims_total)::bigint AS total,
                                  count(*) FILTER (WHERE status = 'succeeded') AS parts_done
                           FROM run_partition WHERE run_id = r.run_id) p ON true
        """;

    /// <summary>The newest runs, newest first; of one batch when <paramref name="batchId"/> is given.</summary>
    public async Task<IReadOnlyList<RunStatus>> ListAsync(string? batchId, int limit, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<RunStatus>(new CommandDefinition(
            Select + " WHERE (@batchId::text IS NULL OR r.batch_id = @batchId) ORDER BY r.run_id DESC LIMIT @limit",
            new { batchId, limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>One run, or null.</summary>
    public async Task<RunStatus?> GetAsync(long runId, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<RunStatus>(new CommandDefinition(
            Select + " WHERE r.run_id = @runId", new { runId }, cancellationToken: ct));
    }

    /// <summary>The newest run of <paramref name="batchId"/> created at or after <paramref name="since"/> (database clock), or null.</summary>
    public async Task<RunStatus?> NewestSinceAsync(string batchId, DateTime since, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<RunStatus>(new CommandDefinition(
            Select + " WHERE r.batch_id = @batchId AND r.created_at >= @since ORDER BY r.run_id DESC LIMIT 1",
            new { batchId, since }, cancellationToken: ct));
    }

    /// <summary>The database's clock now (a run's created_at is written from the settling process's clock; compare like with like, with a margin).</summary>
    public async Task<DateTime> NowAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<DateTime>(new CommandDefinition("SELECT now()", cancellationToken: ct));
    }
}
