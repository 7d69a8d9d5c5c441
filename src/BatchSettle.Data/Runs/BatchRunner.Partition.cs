using System.Collections.Concurrent;
using BatchSettle.Core.Domain;
using BatchSettle.Core.Money;
using BatchSettle.Core.Settlement;
using BatchSettle.Data.Ledger;
using BatchSettle.Data.Telemetry;
using Dapper;

namespace BatchSettle.Data.Runs;

public sealed partial class BatchRunner
{
    /// <summary>Settles one partition of a run from its checkpoint to the end (default options).</summary>
    public Task RunPartitionAsync(long runId, int partNo, CancellationToken ct = default) =>
        RunPartitionAsync(runId, partNo, new BatchRunOptions(), ct);

    /// <summary>
    /// Settles one partition of a run from its checkpoint to the end. Holds a session advisory lock on (run, partition)
    /// so that two workers never settle the same partition; a crashed worker's lock goes with its connection.
    /// </summary>
    public async Task RunPartitionAsync(long runId, int partNo, BatchRunOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var span = BatchSettleTelemetry.StartPartition(runId, partNo);
        var engine = await EngineAsync(ct);
        await using var lockConn = await _ds.OpenConnectionAsync(ct);
        var lockArgs = new { a = unchecked((int)runId), b = partNo };
        if (!await lockConn.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@a, @b)", lockArgs, cancellationToken: ct)))
        {
            throw new RunFailedException($"partition {partNo} of run {runId} is being settled by another process");
        }
        try
        {
            var run = await lockConn.QuerySingleAsync<(string BatchId, int Partitions, long? RegistrySnapshot, string? RegistryAsOf)>(new CommandDefinition(
                "SELECT batch_id, partitions, registry_snapshot_id, registry_as_of::text FROM run WHERE run_id = @runId", new { runId }, cancellationToken: ct));
            var rows = (await lockConn.QueryAsync<(string Status, bool ByRange, string? From, string? To)>(new CommandDefinition(
                "SELECT status, by_range, psn_from, psn_to FROM run_partition WHERE run_id = @runId AND part_no = @partNo",
                new { runId, partNo }, cancellationToken: ct))).ToList();
            if (rows.Count == 0) throw new RunFailedException($"run {runId} has no partition {partNo}");
            var part = rows[0];
            if (part.Status == "succeeded") return;
            // The persons the partition settles: its psn_no range, or (made before migration 098) its hash.
            var slice = part.ByRange
                ? PartitionSlice.Range(run.Partitions, partNo, part.From, part.To)
                : PartitionSlice.Hash(run.Partitions, partNo);
            await lockConn.ExecuteAsync(new CommandDefinition(
                "UPDATE run_partition SET status = 'running', owner = @owner, error = NULL, updated_at = @now WHERE run_id = @runId AND part_no = @partNo",
                new { owner = options.NodeId, now = _time.GetUtcNow(), runId, partNo }, cancellationToken: ct));
            // A transient failure restarts the partition from its last committed checkpoint.
            await _retry.ExecuteAsync(async t => await SettlePartitionAsync(runId, partNo, run.BatchId, slice,
                new PartitionStream.Registry(run.RegistrySnapshot, run.RegistryAsOf), engine, options, t), ct);
            await lockConn.ExecuteAsync(new CommandDefinition(
                "UPDATE run_partition SET status = 'succeeded', updated_at = @now WHERE run_id = @runId AND part_no = @partNo",
                new { now = _time.GetUtcNow(), runId, partNo }, cancellationToken: ct));
        }
        catch (Exception e)
        {
            try
            {
                await lockConn.ExecuteAsync(new CommandDefinition(
                    "UPDATE run_partition SET status = 'failed', error = @error, updated_at = @now WHERE run_id = @runId AND part_no = @partNo",
                    new { error = e.Message, now = _time.GetUtcNow(), runId, partNo }, cancellationToken: CancellationToken.None));
            }
            catch (Npgsql.NpgsqlException)
            {
                // The connection is gone; the partition stays 'running' and is resumed from its checkpoint anyway.
            }
            throw;
        }
        finally
        {
            if (lockConn.State == System.Data.ConnectionState.Open)
            {
                await lockConn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@a, @b)", lockArgs, cancellationToken: CancellationToken.None));
            }
        }
    }

    private async Task SettlePartitionAsync(long runId, int partNo, string batchId, PartitionSlice slice, PartitionStream.Registry registry,
        SettlementEngine engine, BatchRunOptions options, CancellationToken ct)
    {
        string? checkpoint;
        await using (var c = await _ds.OpenConnectionAsync(ct))
        {
            checkpoint = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT checkpoint FROM run_partition WHERE run_id = @runId AND part_no = @partNo", new { runId, partNo }, cancellationToken: ct));
        }
        await ThrowIfCancelRequestedAsync(runId, ct);
        // All of the partition's streaming is synchronous code on dedicated threads (reader, settler, writer): blocking
        // reads and writes of buffered COPY data cost nanoseconds, awaiting them a state machine per column; and no
        // blocking call may run on a socket-completion continuation (with inline completions it would stall the
        // process's I/O), so even the set-up queries run on the dedicated thread (docs/PERFORMANCE.md).
        await Task.Factory.StartNew(
            () =>
            {
                // Three plain, ordered streams (claims, registry, accumulators) on their own connections, merged by the reader.
                using var claimsConn = _ds.OpenConnection();
                using var personsConn = _ds.OpenConnection();
                using var accConn = _ds.OpenConnection();
                bool skipSettled;
                using (var other = new Npgsql.NpgsqlCommand(PartitionStream.OtherRunsSettledSql(batchId, runId), claimsConn))
                {
                    skipSettled = (bool)other.ExecuteScalar()!;
                }
                if (skipSettled)
                {
                    using var cmd = new Npgsql.NpgsqlCommand(PartitionStream.AnySettledSql(batchId, slice, checkpoint), claimsConn) { CommandTimeout = 0 };
                    skipSettled = (bool)cmd.ExecuteScalar()!;
                }
                foreach (var c in (Npgsql.NpgsqlConnection[])[claimsConn, personsConn, accConn])
                {
                    using var set = new Npgsql.NpgsqlCommand(PartitionStream.SessionSql, c);
                    set.ExecuteNonQuery();
                }
                Dictionary<string, (OriginalResult?, bool)> reversals;
                using (var rexp = claimsConn.BeginBinaryExport(PartitionStream.ReversalsSql(batchId, slice, checkpoint)))
                {
                    reversals = PartitionStream.ReadReversals(rexp);
                }
                using var claims = new BinaryCopyReader(claimsConn, PartitionStream.ClaimsSql(batchId, slice, checkpoint, skipSettled));
                using var persons = new BinaryCopyReader(personsConn, PartitionStream.PersonsSql(slice, checkpoint, registry));
                using var accs = new BinaryCopyReader(accConn, PartitionStream.AccumulatorsSql(slice, checkpoint));
                var reader = new PartitionReader(claims, persons, accs, reversals, batchId);
                new PartitionPipeline(this, engine, options, runId, partNo, new RunTarget(this, runId, batchId, partNo)).Run(reader, ct);
            },
            ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Scratch reused for every claim of a partition.</summary>
    private sealed class ClaimWork
    {
        public readonly List<(string Field, string Reason)> Errors = [];
        /// <summary>Reversals of this person waiting for their original (see <see cref="SettleClaim"/>).</summary>
        public readonly List<ClaimRow> Deferred = [];
        public readonly TraceBuffer Trace = new(256);
        public ClaimIn Claim;
        public PersonIn Person;
    }

    /// <summary>
    /// One partition's stream: a reader thread fills blocks of <see cref="ClaimRow"/> from binary COPY OUT; this
    /// thread settles them person by person into chunks of whole persons; a writer thread commits each chunk with
    /// binary COPY IN while the next one is settled. Blocks and chunks circulate through small bounded pools, so memory
    /// stays a few blocks and chunks whatever the size of the partition.
    /// </summary>
    private sealed class PartitionPipeline(BatchRunner runner, SettlementEngine engine, BatchRunOptions options,
        long runId, int partNo, ChunkTarget target)
    {
        private const int BlockRows = 1024;
        private const int Blocks = 4;
        private const int Chunks = 3;

        public void Run(PartitionReader source, CancellationToken ct)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var token = cts.Token;
            using var freeBlocks = new BlockingCollection<ClaimBlock>();
            using var fullBlocks = new BlockingCollection<ClaimBlock>(Blocks);
            using var freeChunks = new BlockingCollection<Chunk>();
            using var fullChunks = new BlockingCollection<Chunk>(Chunks - 1);
            for (int i = 0; i < Blocks; i++) freeBlocks.Add(new ClaimBlock(BlockRows), token);
            for (int i = 0; i < Chunks; i++) freeChunks.Add(new Chunk(), token);

            var reader = Task.Factory.StartNew(() => Stage(cts, () => ReadAll(source, freeBlocks, fullBlocks, token), fullBlocks),
                token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var writer = Task.Factory.StartNew(() => Stage<Chunk>(cts, () => WriteAll(freeChunks, fullChunks, token), null),
                token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            Exception? settleError = null;
            try
            {
                Stage(cts, () => SettleAll(freeBlocks, fullBlocks, freeChunks, fullChunks, token), fullChunks);
            }
            catch (Exception e)
            {
                settleError = e;
            }
            // Report the failure that stopped the pipeline, not the cancellations it caused in the other stages.
            var errors = new List<Exception>();
            foreach (var t in (Task[])[reader, writer])
            {
                try { t.GetAwaiter().GetResult(); }
                catch (Exception e) { errors.Add(e); }
            }
            if (settleError is not null) errors.Insert(0, settleError);
            var first = errors.Find(e => e is not OperationCanceledException) ?? errors.FirstOrDefault();
            if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }

        private static void Stage<T>(CancellationTokenSource cts, Action body, BlockingCollection<T>? output)
        {
            try
            {
                body();
            }
            catch
            {
                cts.Cancel();
                throw;
            }
            finally
            {
                output?.CompleteAdding();
            }
        }

        private static void ReadAll(PartitionReader source, BlockingCollection<ClaimBlock> free,
            BlockingCollection<ClaimBlock> full, CancellationToken token)
        {
            while (true)
            {
                var b = free.Take(token);
                b.Count = 0;
                var rows = b.Rows;
                while (b.Count < rows.Length && source.Read(ref rows[b.Count])) b.Count++;
                bool end = b.Count < rows.Length;
                if (b.Count > 0) full.Add(b, token);
                if (end) return;
            }
        }

        private void SettleAll(BlockingCollection<ClaimBlock> freeBlocks, BlockingCollection<ClaimBlock> fullBlocks,
            BlockingCollection<Chunk> freeChunks, BlockingCollection<Chunk> fullChunks, CancellationToken token)
        {
            var pass = new PersonPass();
            var work = new ClaimWork();
            var chunk = freeChunks.Take(token);
            string? current = null;
            foreach (var block in fullBlocks.GetConsumingEnumerable(token))
            {
                var rows = block.Rows.AsSpan(0, block.Count);
                for (int i = 0; i < rows.Length; i++)
                {
                    ref var row = ref rows[i];
                    if (!string.Equals(row.PsnNo, current, StringComparison.Ordinal))
                    {
                        if (current is not null)
                        {
                            FlushDeferred(engine, pass, chunk, work);
                            pass.AddAccumulators(chunk);
                            chunk.Checkpoint = current;
                            if (chunk.Claims >= options.ChunkClaims)
                            {
                                fullChunks.Add(chunk, token);
                                chunk = freeChunks.Take(token);
                            }
                        }
                        current = row.PsnNo;
                        pass.Reset(current, chunk.Claims);
                    }
                    SettleClaim(engine, ref row, pass, chunk, work);
                }
                freeBlocks.Add(block, token);
            }
            if (current is not null)
            {
                FlushDeferred(engine, pass, chunk, work);
                pass.AddAccumulators(chunk);
                chunk.Checkpoint = current;
            }
            if (chunk.Claims > 0) fullChunks.Add(chunk, token);
        }

        private void WriteAll(BlockingCollection<Chunk> free, BlockingCollection<Chunk> full, CancellationToken token)
        {
            int chunkNo = 0;
            // One connection for all of the partition's chunks; dropped after a failure so a retry starts on a fresh one.
            var conn = new ConnectionHolder(runner._ds);
            try
            {
                foreach (var chunk in full.GetConsumingEnumerable(token))
                {
                    Commit(chunk, conn, token);
                    options.AfterChunkCommit?.Invoke(partNo, ++chunkNo);
                    chunk.Clear();
                    free.Add(chunk, token);
                    // An operator's cancel stops the partition at this chunk boundary; what is committed stays.
                    if (!full.IsCompleted) target.AfterCommit();
                }
            }
            finally
            {
                conn.Dispose();
            }
        }

        private void Commit(Chunk chunk, ConnectionHolder conn, CancellationToken token)
        {
            long started = runner._time.GetTimestamp();
            using var chunkSpan = BatchSettleTelemetry.StartChunk(runId, partNo);
            runner._retry.Execute(
                static (s, _) =>
                {
                    try
                    {
                        s.Target.Commit(s.Chunk, s.Conn.Get(), s.Runner._time.GetUtcNow());
                    }
                    catch
                    {
                        s.Conn.Dispose();
                        throw;
                    }
                },
                (Chunk: chunk, Runner: runner, Conn: conn, Target: target), token);
            ChunkTelemetry.Committed(chunkSpan, chunk, runner._time.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// Where a partition's chunks go: a run's tables (<see cref="RunTarget"/>) or a simulation's (issue 15,
    /// <see cref="SimulationTarget"/>). The reader, engine and chunk are the same; only the commit differs.
    /// </summary>
    private abstract class ChunkTarget
    {
        /// <summary>Commits one chunk on the writer's connection.</summary>
        public abstract void Commit(Chunk chunk, Npgsql.NpgsqlConnection conn, DateTimeOffset now);

        /// <summary>Between chunks: may stop the partition (a run's cancel request).</summary>
        public virtual void AfterCommit()
        {
        }
    }

    /// <summary>A run's partition: results, quarantine, ledger, accumulators, alerts and the checkpoint.</summary>
    private sealed class RunTarget(BatchRunner runner, long runId, string batchId, int partNo) : ChunkTarget
    {
        public override void Commit(Chunk chunk, Npgsql.NpgsqlConnection conn, DateTimeOffset now) =>
            chunk.Commit(conn, runId, batchId, partNo, now);

        public override void AfterCommit() => runner.ThrowIfCancelRequested(runId);
    }

    /// <summary>The partition writer's connection, opened on first use and after <see cref="Dispose"/>.</summary>
    private sealed class ConnectionHolder(Npgsql.NpgsqlDataSource ds) : IDisposable
    {
        private Npgsql.NpgsqlConnection? _conn;

        public Npgsql.NpgsqlConnection Get()
        {
            if (_conn is { State: System.Data.ConnectionState.Open }) return _conn;
            _conn?.Dispose();
            _conn = ds.OpenConnection();
            return _conn;
        }

        public void Dispose()
        {
            _conn?.Dispose();
            _conn = null;
        }
    }

    /// <summary>
    /// Settles the claim, except a reversal whose original is neither stored nor settled yet in this person's pass:
    /// that one waits for its original (a reversal whose setl_id sorts before its original's on the same date arrives
    /// first in the stream) and is settled right after it, so the outcome does not depend on how setl_ids sort. One
    /// whose original never comes is settled (quarantined, original unknown) when the person's claims end.
    /// </summary>
    private static void SettleClaim(SettlementEngine engine, ref ClaimRow row, PersonPass pass, Chunk chunk, ClaimWork w)
    {
        if (row.ReversalOf is { } of && row.Original is null && FindInPass(chunk, pass.FirstResult, of) is null)
        {
            w.Deferred.Add(row);
            return;
        }
        SettleOne(engine, ref row, pass, chunk, w);
        if (w.Deferred.Count == 0) return;
        for (int i = 0; i < w.Deferred.Count; i++)
        {
            if (string.Equals(w.Deferred[i].ReversalOf, row.SetlId, StringComparison.Ordinal))
            {
                var waiting = w.Deferred[i];
                w.Deferred.RemoveAt(i);
                SettleClaim(engine, ref waiting, pass, chunk, w);
                return;
            }
        }
    }

    private static void FlushDeferred(SettlementEngine engine, PersonPass pass, Chunk chunk, ClaimWork w)
    {
        while (w.Deferred.Count > 0)
        {
            var row = w.Deferred[0];
            w.Deferred.RemoveAt(0);
            SettleOne(engine, ref row, pass, chunk, w);
        }
    }

    private static void SettleOne(SettlementEngine engine, ref ClaimRow row, PersonPass pass, Chunk chunk, ClaimWork w)
    {
        var errors = w.Errors;
        ClaimValidator.Validate(in row, ref w.Claim, ref w.Person, errors);
        OriginalResult? orig = null;
        if (row.ReversalOf is { } of && errors.Count == 0)
        {
            orig = FindInPass(chunk, pass.FirstResult, of) ?? row.Original;
            bool reversed = row.OriginalAlreadyReversed || ReversedInPass(chunk, pass.FirstResult, of);
            ClaimValidator.CheckReversal(of, row.PsnNo, orig, reversed, w.Claim, errors);
        }
        if (errors.Count > 0)
        {
            Quarantine(in row, chunk, errors);
            return;
        }

        ref readonly var claim = ref w.Claim;
        int year = orig?.Year ?? claim.Year;
        ref var state = ref pass.Year(year, in row, out int slot);
        var before = state;
        var res = default(SettlementOut);
        w.Trace.Clear();
        if (orig is not null)
        {
            var origOut = ToOut(orig);
            var origDelta = default(PersonYearState);
            for (int i = 0; i < orig.AccDelta!.Length && i < AccSlot.Count; i++) origDelta[i] = orig.AccDelta[i];
            engine.Reverse(claim, origOut, origDelta, ref state, ref res, w.Trace);
        }
        else
        {
            engine.Settle(claim, enrolled: row.PAdmdvs is not null, w.Person, ref state, ref res, w.Trace);
        }
        AssertBalanced(res);
        if (res.Status == SettlementStatus.Quarantined) state = before;

        ref var r = ref chunk.AddResult();
        NewResult(ref r, in row);
        r.HasDelta = true;
        bool dirty = false;
        for (int i = 0; i < AccSlot.Count; i++)
        {
            long d = state[i] - before[i];
            r.AccDelta[i] = d;
            dirty |= d != 0;
        }
        if (dirty)
        {
            pass.MarkDirty(slot);
            pass.Share(slot);
        }
        int resultYear = res.Year != 0 ? res.Year : year;
        r.Year = resultYear;
        r.Status = res.Status switch
        {
            SettlementStatus.Settled => "settled",
            SettlementStatus.Rejected => "rejected",
            _ => "quarantined",
        };
        r.Reason = res.Reason;
        r.Medfee = claim.MedfeeSumamt;
        r.Fulamt = claim.FulamtOwnpayAmt;
        r.Overlmt = claim.OverlmtSelfpay;
        r.Preselfpay = claim.PreselfpayAmt;
        r.Inscp = claim.InscpScpAmt;
        r.ActPayDedc = res.ActPayDedc;
        r.HifpPay = res.HifpPay;
        r.PoolPropBp = res.PoolPropBp;
        r.HifmiPay = res.HifmiPay;
        r.HifobPay = res.HifobPay;
        r.MafPay = res.MafPay;
        r.MafTiltedPay = res.MafTiltedPay;
        r.FundPaySumamt = res.FundPaySumamt;
        r.PsnPartAmt = res.PsnPartAmt;
        r.AssumedParams = res.AssumedParams;
        r.SupersededParams = res.SupersededTextParams;
        r.ReversalOf = row.ReversalOf;
        r.AlertThreshold = res.AlertThreshold;
        chunk.SetTrace(ref r, w.Trace.Slice(res.TraceStart, res.TraceCount));

        if (res.Status == SettlementStatus.Quarantined)
        {
            chunk.Quarantine.Add(new QuarantineRow(row.SetlId, row.BatchId, row.SourceFile, row.SourceLine, "policy", res.Reason ?? "quarantined by the engine"));
            return;
        }
        r.FromEngine = true;
        if (res.Status == SettlementStatus.Settled)
        {
            r.Post = true;
            r.IsReversal = orig is not null;
            if (res.AlertThreshold > 0) chunk.Alerts.Add(new AlertRow(row.PsnNo, resultYear, res.AlertThreshold, res.AlertBurden, row.SetlId));
        }
    }

    /// <summary>The result of claim <paramref name="setlId"/> settled earlier in this person's pass, if any.</summary>
    private static OriginalResult? FindInPass(Chunk chunk, int first, string setlId)
    {
        var results = chunk.Results;
        for (int i = first; i < results.Length; i++)
        {
            ref readonly var r = ref results[i];
            if (r.FromEngine && string.Equals(r.SetlId, setlId, StringComparison.Ordinal)) return FromResult(in r);
        }
        return null;
    }

    /// <summary>Whether a reversal of <paramref name="setlId"/> went through earlier in this person's pass.</summary>
    private static bool ReversedInPass(Chunk chunk, int first, string setlId)
    {
        var results = chunk.Results;
        for (int i = first; i < results.Length; i++)
        {
            ref readonly var r = ref results[i];
            if (r.FromEngine && string.Equals(r.ReversalOf, setlId, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private static void Quarantine(in ClaimRow row, Chunk chunk, List<(string Field, string Reason)> errors)
    {
        ref var r = ref chunk.AddResult();
        NewResult(ref r, in row);
        r.Year = row.EndDate.Year;
        r.Status = "quarantined";
        r.Reason = errors.Count == 1 ? $"{errors[0].Field}: {errors[0].Reason}" : $"{errors[0].Field}: {errors[0].Reason} (+{errors.Count - 1} more)";
        r.Medfee = Fen(row.Medfee);
        r.Fulamt = Fen(row.Fulamt);
        r.Overlmt = Fen(row.Overlmt);
        r.Preselfpay = Fen(row.Preselfpay);
        r.Inscp = Fen(row.Inscp);
        r.ReversalOf = null;
        foreach (var (field, reason) in errors)
        {
            chunk.Quarantine.Add(new QuarantineRow(row.SetlId, row.BatchId, row.SourceFile, row.SourceLine, field, reason));
        }

        static long? Fen(decimal yuan) => FenMath.TryFromDecimalYuan(yuan, out long f) ? f : null;
    }

    private static void NewResult(ref ResultRow r, in ClaimRow row)
    {
        r.ClaimSeq = row.ClaimSeq;
        r.BatchId = row.BatchId;
        r.SetlId = row.SetlId;
        r.PsnNo = row.PsnNo;
        r.Admdvs = row.Admdvs;
        r.Insutype = row.Insutype;
        r.MedType = row.MedType;
        r.FixmedinsCode = row.FixmedinsCode;
    }

    internal static SettlementOut ToOut(OriginalResult o) => new()
    {
        Status = SettlementStatus.Settled,
        Reason = o.Reason,
        Year = o.Year,
        MedfeeSumamt = o.Medfee,
        ActPayDedc = o.ActPayDedc,
        HifpPay = o.HifpPay,
        PoolPropBp = o.PoolPropBp,
        HifmiPay = o.HifmiPay,
        HifobPay = o.HifobPay,
        MafPay = o.MafPay,
        MafTiltedPay = o.MafTiltedPay,
        FundPaySumamt = o.FundPaySumamt,
        PsnPartAmt = o.PsnPartAmt,
        AssumedParams = o.AssumedParams,
        SupersededTextParams = o.SupersededParams,
    };

    private static OriginalResult FromResult(in ResultRow r)
    {
        var delta = new long[AccSlot.Count];
        for (int i = 0; i < delta.Length; i++) delta[i] = r.AccDelta[i];
        return new OriginalResult
        {
            SetlId = r.SetlId,
            PsnNo = r.PsnNo,
            Status = r.Status,
            Reason = r.Reason,
            Year = r.Year ?? 0,
            Medfee = r.Medfee ?? 0,
            Fulamt = r.Fulamt ?? 0,
            Overlmt = r.Overlmt ?? 0,
            Preselfpay = r.Preselfpay ?? 0,
            Inscp = r.Inscp ?? 0,
            ActPayDedc = r.ActPayDedc,
            HifpPay = r.HifpPay,
            PoolPropBp = r.PoolPropBp,
            HifmiPay = r.HifmiPay,
            HifobPay = r.HifobPay,
            MafPay = r.MafPay,
            MafTiltedPay = r.MafTiltedPay,
            FundPaySumamt = r.FundPaySumamt,
            PsnPartAmt = r.PsnPartAmt,
            AssumedParams = r.AssumedParams,
            SupersededParams = r.SupersededParams,
            AccDelta = r.HasDelta ? delta : null,
            Insutype = r.Insutype,
        };
    }
}
