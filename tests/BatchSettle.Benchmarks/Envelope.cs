using System.Diagnostics;
using BatchSettle.Core.Settlement;
using BatchSettle.Data.Runs;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace BatchSettle.Benchmarks;

/// <summary>
/// The machine's limit for the run's I/O, with no settlement: binary COPY OUT of the same staging rows (the runner's
/// own claims query and column decoding, per partition) plus binary COPY IN of the same number of result and ledger
/// rows, of the same shape (same columns, trace text and acc_delta of the run's mean length, written with the runner's
/// own binary COPY writer), into copies of the real tables with their indexes, in transactions of 10,000 claims, partitions in parallel.
/// </summary>
internal static class Envelope
{
    /// <summary>Runs the envelope; <paramref name="atClockStart"/> is called right before its stopwatch starts (after
    /// the set-up: the run's row shapes read, the tables made, the partitions cut), so that a cost meter read there
    /// charges the envelope with its timed work only.</summary>
    public static async Task<(long Claims, double Seconds)> RunAsync(NpgsqlDataSource ds, int partitions, Func<Task>? atClockStart = null)
    {
        long results, ledger;
        int traceLen, deltaLen;
        List<string> batches;
        await using (var c = await ds.OpenConnectionAsync())
        {
            results = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM settlement_result", commandTimeout: 0);
            ledger = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM ledger_line", commandTimeout: 0);
            traceLen = await c.ExecuteScalarAsync<int>("SELECT COALESCE(avg(length(trace)), 0)::int FROM settlement_result", commandTimeout: 0);
            deltaLen = await c.ExecuteScalarAsync<int>("SELECT COALESCE(avg(cardinality(acc_delta)), 0)::int FROM settlement_result", commandTimeout: 0);
            batches = (await c.QueryAsync<string>("SELECT DISTINCT batch_id FROM staging_claim ORDER BY 1")).ToList();
            await c.ExecuteAsync(
                """
                DROP TABLE IF EXISTS env_result, env_ledger;
                CREATE TABLE env_result (LIKE settlement_result INCLUDING ALL);
                CREATE TABLE env_ledger (LIKE ledger_line INCLUDING ALL);
                """);
        }
        double linesPerClaim = results == 0 ? 0 : (double)ledger / results;
        // The runner's own partitions (psn_no ranges of equal claim counts), cut before the clock starts: the run pays
        // for its cutting, the envelope does not.
        var slices = new Dictionary<string, PartitionSlice[]>(StringComparer.Ordinal);
        await using (var c = await ds.OpenConnectionAsync())
        {
            foreach (var batch in batches)
            {
                slices[batch] = PartitionPlan.Slices(await PartitionPlan.ComputeAsync(c, null, batch, partitions, unsettledOnly: false, default));
            }
        }
        string trace = new('x', traceLen);
        long claims = 0;
        if (atClockStart is not null) await atClockStart();
        var sw = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            var tasks = Enumerable.Range(0, partitions)
                .Select(p => Task.Factory.StartNew(() => Partition(ds, batch, slices[batch][p], linesPerClaim, trace, deltaLen),
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();
            foreach (var t in tasks) claims += await t;
        }
        sw.Stop();
        await using (var c = await ds.OpenConnectionAsync())
        {
            await c.ExecuteAsync("DROP TABLE env_result, env_ledger");
        }
        return (claims, sw.Elapsed.TotalSeconds);
    }

    private static long Partition(NpgsqlDataSource ds, string batch, PartitionSlice slice, double linesPerClaim, string trace, int deltaLen)
    {
        using var read = ds.OpenConnection();
        using var write = ds.OpenConnection();
        using (var set = new NpgsqlCommand(PartitionStream.SessionSql, read)) set.ExecuteNonQuery();
        using var exp = new BinaryCopyReader(read, PartitionStream.ClaimsSql(batch, slice, null, skipSettled: false));
        var rows = new ClaimRow[10_000];
        var delta = new long[deltaLen];
        var w = new BinaryCopyWriter();
        long total = 0;
        double lineDebt = 0;
        var now = DateTimeOffset.UtcNow;
        while (true)
        {
            int n = 0;
            while (n < rows.Length && PartitionStream.Read(exp, batch, ref rows[n])) n++;
            if (n == 0) break;
            using (var tx = write.BeginTransaction())
            {
                // The runner's own writer (hand-written binary COPY), so the envelope is the same I/O at its cheapest.
                w.Begin(write, $"COPY env_result ({Chunk.ResultColumns}) FROM STDIN (FORMAT BINARY)");
                for (int i = 0; i < n; i++)
                {
                    ref readonly var r = ref rows[i];
                    w.StartRow(Chunk.ResultColumnCount);
                    w.Long(r.ClaimSeq);
                    w.Text(r.SetlId);
                    w.Text(r.PsnNo);
                    w.Text(batch);
                    w.Text(r.Admdvs);
                    w.Text(r.Insutype);
                    w.Text(r.MedType);
                    w.Text(r.FixmedinsCode);
                    w.Int(r.EndDate.Year);
                    w.Text("rejected");
                    w.Null();
                    for (int k = 0; k < 5; k++) w.Long(1234L);
                    w.Long(0L);
                    w.Long(0L);
                    w.Int(0);
                    for (int k = 0; k < 6; k++) w.Long(0L);
                    w.Bool(false);
                    w.Null();
                    w.Long(0L);
                    w.Longs(delta);
                    w.Text(trace);
                    w.Long(1L);
                    w.Bool(false);
                }
                w.Complete();
                w.Begin(write, $"COPY env_ledger ({Chunk.LedgerColumns}) FROM STDIN (FORMAT BINARY)");
                for (int i = 0; i < n; i++)
                {
                    ref readonly var r = ref rows[i];
                    lineDebt += linesPerClaim;
                    for (int line = 1; lineDebt >= 1; line++, lineDebt--)
                    {
                        w.StartRow(Chunk.LedgerColumnCount);
                        w.Long(r.ClaimSeq);
                        w.Int(line);
                        w.Text(r.SetlId);
                        w.Long(1L);
                        w.Text(batch);
                        w.Text("settlement");
                        w.TimestampTz(now);
                        w.Text(line % 2 == 1 ? "benefit_expense" : "payable_facility");
                        w.Text("310100");
                        w.Text(r.FixmedinsCode);
                        w.Long(100L);
                        w.Long(0L);
                    }
                }
                w.Complete();
                tx.Commit();
            }
            total += n;
        }
        return total;
    }
}
