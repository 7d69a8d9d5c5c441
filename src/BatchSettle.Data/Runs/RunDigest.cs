using System.Security.Cryptography;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Runs;

/// <summary>
/// The digest of a run's results and ledger lines as stored (migration 052's definition), computed in parts on
/// several connections at once (migration 094's <c>run_digest_blocks</c>): the same bytes as SQL <c>run_digest</c>,
/// in a fraction of the wall time on a machine with more than one core. Sealing a run and <c>reconcile</c> use it.
/// Only for runs whose rows no longer change (a finished run): the parts are read in separate snapshots.
/// </summary>
public static class RunDigest
{
    /// <summary>The digest with <paramref name="parts"/> queries at once (default: one per core, at most 8).</summary>
    public static async Task<(long Results, long LedgerLines, byte[] Digest)> ComputeAsync(
        NpgsqlDataSource dataSource, long runId, int? parts = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        int p = Math.Clamp(parts ?? Environment.ProcessorCount, 1, 8);
        // Each part on a dedicated thread with synchronous calls, like the runner's partitions: with inline socket
        // completions (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1, which the bench's run uses) the same queries as
        // async calls in parallel hung the 1M run's seal, every connection idle and the process asleep.
        var blocks = await Task.WhenAll(Enumerable.Range(0, p).Select(part => Task.Factory.StartNew(() =>
        {
            using var conn = dataSource.OpenConnection();
            return conn.Query<(int Tbl, long Blk, long N, byte[] D)>(new CommandDefinition(
                "SELECT tbl, blk, n, d FROM run_digest_blocks(@runId, @p, @part)", new { runId, p, part },
                commandTimeout: 0, cancellationToken: ct)).AsList();
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
        return Combine(blocks.SelectMany(b => b));
    }

    /// <summary>sha256(result blocks in block order || 0x00 || ledger blocks in block order), and the row counts —
    /// run_digest's combination.</summary>
    internal static (long Results, long LedgerLines, byte[] Digest) Combine(IEnumerable<(int Tbl, long Blk, long N, byte[] D)> blocks)
    {
        var all = blocks.ToList();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long results = 0, ledger = 0;
        foreach (var b in all.Where(b => b.Tbl == 0).OrderBy(b => b.Blk))
        {
            sha.AppendData(b.D);
            results += b.N;
        }
        sha.AppendData([0]);
        foreach (var b in all.Where(b => b.Tbl == 1).OrderBy(b => b.Blk))
        {
            sha.AppendData(b.D);
            ledger += b.N;
        }
        return (results, ledger, sha.GetHashAndReset());
    }
}
