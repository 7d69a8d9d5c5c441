using Dapper;

namespace BatchSettle.Data.Runs;

public sealed partial class BatchRunner
{
    /// <summary>
    /// Stops the partition at a chunk boundary when an operator asked (dashboard, table <c>run_cancel_request</c> from
    /// sql/012) since the run last started: what is committed stays, and a retry resumes from the checkpoint. A request
    /// older than the run's current start belongs to an earlier attempt and is ignored.
    /// </summary>
    private async Task ThrowIfCancelRequestedAsync(long runId, CancellationToken ct)
    {
        await using var conn = await _ds.OpenConnectionAsync(ct);
        var by = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(CancelRequestSql, new { runId }, cancellationToken: ct));
        if (by is not null)
        {
            throw new RunFailedException($"{CancelledPrefix} {by}");
        }
    }

    /// <summary>The same check, synchronously, for the partition's writer thread.</summary>
    private void ThrowIfCancelRequested(long runId)
    {
        using var conn = _ds.OpenConnection();
        var by = conn.ExecuteScalar<string?>(CancelRequestSql, new { runId });
        if (by is not null)
        {
            throw new RunFailedException($"{CancelledPrefix} {by}");
        }
    }

    private const string CancelRequestSql =
        """
        SELECT c.requested_by FROM run_cancel_request c JOIN run r ON r.run_id = c.run_id
        WHERE c.run_id = @runId AND c.requested_at >= r.started_at
        """;

    /// <summary>How a partition stopped by an operator says so in its error; the run then ends 'cancelled'.</summary>
    internal const string CancelledPrefix = "cancelled by";
}
