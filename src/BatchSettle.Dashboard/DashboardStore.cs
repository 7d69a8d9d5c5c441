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
