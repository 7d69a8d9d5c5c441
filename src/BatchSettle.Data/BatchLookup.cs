using Dapper;
using Npgsql;

namespace BatchSettle.Data;

/// <summary>
/// Whether a batch id names something a command can act on, so that `export` and `reconcile` of a mistyped batch say
/// so and exit non-zero instead of writing empty files or reporting that nothing disagrees.
/// </summary>
public static class BatchLookup
{
    /// <summary>Null when the batch has a run or ledger lines; otherwise why there is nothing to act on.</summary>
    public static async Task<string?> ProblemAsync(NpgsqlDataSource dataSource, string batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var c = await dataSource.OpenConnectionAsync(ct);
        var (runs, staged, lines) = await c.QuerySingleAsync<(bool, bool, bool)>(new CommandDefinition(
            """
            SELECT EXISTS (SELECT 1 FROM run WHERE batch_id = @batch AND started_at IS NOT NULL), EXISTS (SELECT 1 FROM staging_claim WHERE batch_id = @batch),
                   EXISTS (SELECT 1 FROM ledger_line WHERE batch_id = @batch)
            """, new { batch }, cancellationToken: ct));
        if (runs || lines) return null;
        return staged
            ? $"batch {batch} is loaded but has never been run"
            : $"batch {batch} does not exist (nothing loaded, run or posted under that id)";
    }
}
