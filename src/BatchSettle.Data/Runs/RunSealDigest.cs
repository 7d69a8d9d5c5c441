using System.Globalization;
using System.Numerics;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Runs;

/// <summary>
/// The run seal's digest: version 2 (<see cref="RowDigest"/>, migration 096) for a run whose partitions all kept the
/// sums, else version 1 (<see cref="RunDigest"/>). <see cref="ForSealAsync"/> is what the runner seals;
/// <see cref="RecomputeAsync"/> is what <c>reconcile</c> checks a seal against, from the rows as stored.
/// </summary>
public static class RunSealDigest
{
    /// <summary>The digest to seal a finished run with: the partitions' sums and the rows written outside chunks (a
    /// load-rejected row's result, keyed −reject_id), read back and hashed the same way.</summary>
    public static async Task<(long Results, long LedgerLines, byte[] Digest)> ForSealAsync(
        NpgsqlDataSource dataSource, long runId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var p = await conn.QuerySingleAsync<(long Unhashed, long? Results, long? LedgerLines, string? ResultsSum, string? LedgerSum)>(new CommandDefinition(
            """
            SELECT count(*) FILTER (WHERE seal_results IS NULL OR seal_ledger_lines IS NULL
                                       OR seal_results_sum IS NULL OR seal_ledger_sum IS NULL),
                   sum(seal_results)::bigint, sum(seal_ledger_lines)::bigint,
                   sum(seal_results_sum)::text, sum(seal_ledger_sum)::text
            FROM run_partition WHERE run_id = @runId
            """, new { runId }, cancellationToken: ct));
        if (p.Unhashed > 0) return await RunDigest.ComputeAsync(dataSource, runId, ct: ct);
        // On a dedicated thread with a synchronous connection (see RecomputeAsync): a synchronous COPY on a connection
        // of this async flow hung until the read timeout under inline socket completions (the bench's run).
        using var extra = await OnThread(() =>
        {
            using var c = dataSource.OpenConnection();
            using var tx = c.BeginTransaction();
            // The negative keys are few (every run's load rejects): through the primary key. Right after a run the
            // table's statistics are stale and the planner read the run's whole BRIN range instead (~0.5 s at 1M).
            using (var set = new NpgsqlCommand("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL jit = off", c, tx)) set.ExecuteNonQuery();
            var d = new RowDigest();
            ReadResults(c, d, $"WHERE claim_seq < 0 AND run_id = {runId.ToString(CultureInfo.InvariantCulture)}");
            tx.Commit();
            return d;
        }, ct);
        var results = Parse(p.ResultsSum) + extra.ResultsValue;
        return ((p.Results ?? 0) + extra.Results, p.LedgerLines ?? 0, RowDigest.Digest(results, Parse(p.LedgerSum)));

        static BigInteger Parse(string? s) => s is null ? BigInteger.Zero : BigInteger.Parse(s, CultureInfo.InvariantCulture);
    }

    /// <summary>The digest of a run's rows as stored now, in the version of <paramref name="sealedDigest"/>.</summary>
    public static async Task<(long Results, long LedgerLines, byte[] Digest)> RecomputeAsync(
        NpgsqlDataSource dataSource, long runId, byte[]? sealedDigest, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        if (!RowDigest.IsVersion2(sealedDigest)) return await RunDigest.ComputeAsync(dataSource, runId, ct: ct);
        string run = runId.ToString(CultureInfo.InvariantCulture);
        // Results and ledger at once, each on a dedicated thread with synchronous calls (as RunDigest, for the same
        // reason: parallel async Npgsql calls hung under inline socket completions).
        var results = OnThread(() =>
        {
            using var conn = dataSource.OpenConnection();
            var d = new RowDigest();
            ReadResults(conn, d, $"WHERE run_id = {run}");
            return d;
        }, ct);
        var ledger = OnThread(() =>
        {
            using var conn = dataSource.OpenConnection();
            var d = new RowDigest();
            ReadLedger(conn, d, run);
            return d;
        }, ct);
        using var r = await results;
        using var l = await ledger;
        return (r.Results, l.LedgerLines, RowDigest.Digest(r.ResultsValue, l.LedgerValue));
    }

    private static Task<RowDigest> OnThread(Func<RowDigest> body, CancellationToken ct) =>
        Task.Factory.StartNew(body, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Hashes each result row <paramref name="where"/> selects as one element.</summary>
    private static void ReadResults(NpgsqlConnection conn, RowDigest digest, string where)
    {
        using var reader = new BinaryCopyReader(conn,
            $"COPY (SELECT {Chunk.ResultColumns} FROM settlement_result {where}) TO STDOUT (FORMAT BINARY)");
        while (reader.NextRow())
        {
            digest.Append(reader.RowBytes);
            digest.EndResult();
        }
    }

    /// <summary>Hashes the run's claim postings, all lines of one entry (in line_no order) as one element.</summary>
    private static void ReadLedger(NpgsqlConnection conn, RowDigest digest, string run)
    {
        using var reader = new BinaryCopyReader(conn,
            $"COPY (SELECT {Chunk.LedgerColumns} FROM ledger_line WHERE run_id = {run} AND kind IN ('settlement', 'reversal') "
            + "ORDER BY entry_id, line_no) TO STDOUT (FORMAT BINARY)");
        long entry = 0;
        int lines = 0;
        while (reader.NextRow())
        {
            long id = reader.Int64(); // entry_id, the first column
            if (lines > 0 && id != entry)
            {
                digest.EndLedgerEntry(lines);
                lines = 0;
            }
            entry = id;
            digest.Append(reader.RowBytes);
            lines++;
        }
        digest.EndLedgerEntry(lines);
    }
}
