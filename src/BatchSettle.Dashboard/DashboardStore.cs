using System.Collections.Concurrent;
using Dapper;
using Npgsql;

namespace BatchSettle.Dashboard;

/// <summary>
/// The dashboard's reads and its few writes (audit, samples, cancel requests): small constant SQL through Dapper
/// (STYLE.md "Data layer"). Lists page by keyset on an indexed key, never by OFFSET, because <c>run</c>,
/// <c>quarantine</c> and <c>audit_action</c> only grow.
/// </summary>
internal sealed partial class DashboardStore(NpgsqlDataSource db, TimeProvider clock)
{
    // Fund totals and the reconciliation read the whole of a run's ledger; a finished run's never change, so they are
    // computed once per process.
    private readonly ConcurrentDictionary<long, (IReadOnlyList<FundTotal> Funds, Reconciliation Reconciliation)> settledBooks = new();

    public TimeProvider Clock => clock;

    /// <summary>Throws when the database does not answer.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        await conn.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
    }

    /// <summary>Marks runs whose lease expired 'interrupted' (migration 073).</summary>
    public async Task<IReadOnlyList<BatchSettle.Data.Runs.InterruptedRun>> MarkExpiredLeasesAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        return await BatchSettle.Data.Runs.RunLeases.MarkExpiredAsync(conn, "dashboard " + Environment.MachineName + "-" + Environment.ProcessId, cancellationToken);
    }

    internal static bool IsTerminal(string status) =>
        status is RunStates.Succeeded or RunStates.SucceededWithQuarantine or RunStates.Failed or RunStates.Cancelled;

    /// <summary>Runs a read on a table that a later migration (or another part of the product) may not have created.</summary>
    private static async Task<IReadOnlyList<T>> OptionalAsync<T>(Func<Task<IEnumerable<T>>> query)
    {
        try
        {
            return [.. await query()];
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn)
        {
            return [];
        }
    }
}
