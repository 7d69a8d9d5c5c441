using BatchSettle.Core.Settlement;

namespace BatchSettle.Data.Runs;

public sealed partial class BatchRunner
{
    /// <summary>
    /// (Issue 15) Settles one side of a simulation: every staged claim of region <paramref name="admdvs"/> settled from
    /// <paramref name="from"/> to <paramref name="to"/> (a region-year from January, across its batches) under
    /// <paramref name="engine"/>, with the run's pipeline — the same partitioned streams, reader, engine calls and chunk
    /// writer — but starting every person's year from zero accumulators (no stored accumulator is read) and writing
    /// only to sim_result / sim_alert under (<paramref name="simId"/>, <paramref name="side"/>). Nothing a run reads or
    /// writes is touched; a reversal's original is found in the person's own pass (the year's claims stream together).
    /// </summary>
    public async Task SimulateSideAsync(long simId, int side, SettlementEngine engine, string admdvs, DateOnly from, DateOnly to,
        BatchRunOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        int partitions = Math.Clamp(options.Partitions, 1, BatchRunOptions.MaxPartitions);
        await Parallel.ForEachAsync(Enumerable.Range(0, partitions),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = ct },
            async (part, pct) => await SimulatePartitionAsync(simId, side, engine, admdvs, from, to, partitions, part, options, pct));
    }

    private Task SimulatePartitionAsync(long simId, int side, SettlementEngine engine, string admdvs, DateOnly from, DateOnly to,
        int partitions, int partNo, BatchRunOptions options, CancellationToken ct) =>
        // Synchronous streaming on a dedicated thread, as SettlePartitionAsync (docs/PERFORMANCE.md).
        Task.Factory.StartNew(
            () =>
            {
                using var claimsConn = _ds.OpenConnection();
                using var personsConn = _ds.OpenConnection();
                using var accConn = _ds.OpenConnection();
                using (var set = new Npgsql.NpgsqlCommand("SET max_parallel_workers_per_gather = 0", claimsConn))
                {
                    set.ExecuteNonQuery();
                }
                using (var set = new Npgsql.NpgsqlCommand(PartitionStream.SessionSql, personsConn))
                {
                    set.ExecuteNonQuery();
                }
                using var claims = new BinaryCopyReader(claimsConn, PartitionStream.SimulationClaimsSql(admdvs, from, to, partitions, partNo));
                using var persons = new BinaryCopyReader(personsConn, PartitionStream.PersonsSql(PartitionSlice.Hash(partitions, partNo), null));
                using var accs = new BinaryCopyReader(accConn, PartitionStream.NoAccumulatorsSql);
                var reader = new PartitionReader(claims, persons, accs, new Dictionary<string, (OriginalResult?, bool)>(StringComparer.Ordinal), null);
                new PartitionPipeline(this, engine, options, simId, partNo, new SimulationTarget(simId, side)).Run(reader, ct);
            },
            ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>One side of a simulation: sim_result and sim_alert only.</summary>
    private sealed class SimulationTarget(long simId, int side) : ChunkTarget
    {
        public override void Commit(Chunk chunk, Npgsql.NpgsqlConnection conn, DateTimeOffset now) =>
            chunk.CommitSimulation(conn, simId, side);
    }
}
