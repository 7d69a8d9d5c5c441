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
            var run = await lockConn.QuerySingleAsync<(string BatchId, int Partitions)>(new CommandDefinition(
                "SELECT batch_id, partitions FROM run WHERE run_id = @runId", new { runId }, cancellationToken: ct));
            string status = await lockConn.ExecuteScalarAsync<string>(new CommandDefinition(
                "SELECT status FROM run_partition WHERE run_id = @runId AND part_no = @partNo", new { runId, partNo }, cancellationToken: ct))
                ?? throw new RunFailedException($"run {runId} has no partition {partNo}");
            if (status == "succeeded") return;
            await lockConn.ExecuteAsync(new CommandDefinition(
                "UPDATE run_partition SET status = 'running', owner = @owner, error = NULL, updated_at = @now WHERE run_id = @runId AND part_no = @partNo",
                new { owner = options.NodeId, now = _time.GetUtcNow(), runId, partNo }, cancellationToken: ct));
            // A transient failure restarts the partition from its last committed checkpoint.
            await _retry.ExecuteAsync(async t => await SettlePartitionAsync(runId, partNo, run.BatchId, run.Partitions, engine, options, t), ct);
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

    private async Task SettlePartitionAsync(long runId, int partNo, string batchId, int partitions, SettlementEngine engine,
        BatchRunOptions options, CancellationToken ct)
    {
        string? checkpoint;
        await using (var c = await _ds.OpenConnectionAsync(ct))
        {
            checkpoint = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT checkpoint FROM run_partition WHERE run_id = @runId AND part_no = @partNo", new { runId, partNo }, cancellationToken: ct));
        }
        await ThrowIfCancelRequestedAsync(runId, ct);
        await using var read = await _ds.OpenConnectionAsync(ct);
        await using var exp = await read.BeginBinaryExportAsync(PartitionStream.Sql(batchId, partitions, partNo, checkpoint), ct);
        var pass = new PersonPass();
        var chunk = new Chunk();
        var work = new ClaimWork();
        int chunkNo = 0;
        string? current = null;
        System.Diagnostics.Activity? chunkSpan = null;
        long chunkStarted = 0;
        try
        {
            while (true)
            {
                var row = await PartitionStream.ReadAsync(exp, ct);
                if (row is null || row.PsnNo != current)
                {
                    if (current is not null)
                    {
                        pass.AddAccumulators(chunk);
                        if (row is null || chunk.Claims >= options.ChunkClaims)
                        {
                            var done = current;
                            await _retry.ExecuteAsync(async t =>
                                await chunk.CommitAsync(_ds, runId, batchId, partNo, done, _time.GetUtcNow(), t), ct);
                            ChunkTelemetry.Committed(chunkSpan, chunk, _time.GetElapsedTime(chunkStarted));
                            chunkSpan?.Dispose();
                            chunkSpan = null;
                            chunkStarted = 0;
                            options.AfterChunkCommit?.Invoke(partNo, ++chunkNo);
                            chunk.Clear();
                            if (row is not null) await ThrowIfCancelRequestedAsync(runId, ct);
                        }
                    }
                    if (row is null) break;
                    current = row.PsnNo;
                    pass.Reset(current);
                }
                if (chunkStarted == 0)
                {
                    chunkStarted = _time.GetTimestamp();
                    chunkSpan = BatchSettleTelemetry.StartChunk(runId, partNo);
                }
                SettleClaim(engine, row, pass, chunk, work);
            }
        }
        finally
        {
            chunkSpan?.Dispose();
        }
    }

    /// <summary>Scratch reused for every claim of a partition.</summary>
    private sealed class ClaimWork
    {
        public readonly List<(string Field, string Reason)> Errors = [];
        public readonly TraceBuffer Trace = new(256);
        public ClaimIn Claim;
        public PersonIn Person;
    }

    private static void SettleClaim(SettlementEngine engine, ClaimRow row, PersonPass pass, Chunk chunk, ClaimWork w)
    {
        var errors = w.Errors;
        ClaimValidator.Validate(row, ref w.Claim, ref w.Person, errors);
        OriginalResult? orig = null;
        if (row.ReversalOf is { } of && errors.Count == 0)
        {
            orig = pass.Settled.GetValueOrDefault(of) ?? row.Original;
            if (orig is null) errors.Add(("reversal_of", $"original claim {of} unknown (no settlement result)"));
            else if (orig.PsnNo != row.PsnNo) errors.Add(("reversal_of", $"original claim {of} belongs to another person ({orig.PsnNo})"));
            else if (orig.Status != "settled") errors.Add(("reversal_of", $"original claim {of} is {orig.Status}; nothing to reverse"));
            else if (row.OriginalAlreadyReversed || pass.Reversed.Contains(of)) errors.Add(("reversal_of", $"original claim {of} is already reversed"));
            else if (orig.AccDelta is null) errors.Add(("reversal_of", $"original claim {of} has no stored accumulator delta"));
            else ClaimValidator.CheckNegation(w.Claim, orig, errors);
        }
        if (errors.Count > 0)
        {
            Quarantine(row, chunk, errors);
            return;
        }

        ref readonly var claim = ref w.Claim;
        int year = orig?.Year ?? claim.Year;
        var ys = pass.Year(year, row);
        var before = ys.State;
        var res = default(SettlementOut);
        w.Trace.Clear();
        if (orig is not null)
        {
            var origOut = ToOut(orig);
            var origDelta = default(PersonYearState);
            for (int i = 0; i < orig.AccDelta!.Length && i < AccSlot.Count; i++) origDelta[i] = orig.AccDelta[i];
            engine.Reverse(claim, origOut, origDelta, ref ys.State, ref res, w.Trace);
        }
        else
        {
            engine.Settle(claim, enrolled: row.PAdmdvs is not null, w.Person, ref ys.State, ref res, w.Trace);
        }
        AssertBalanced(res);
        if (res.Status == SettlementStatus.Quarantined) ys.State = before;

        var delta = new long[AccSlot.Count];
        for (int i = 0; i < delta.Length; i++)
        {
            delta[i] = ys.State[i] - before[i];
            if (delta[i] != 0) ys.Dirty = true;
        }
        var r = NewResult(row);
        r.Year = res.Year != 0 ? res.Year : year;
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
        r.ReversalOf = row.ReversalOf;
        r.AlertThreshold = res.AlertThreshold;
        r.AccDelta = delta;
        r.Trace = TraceCodec.Encode(w.Trace.Slice(res.TraceStart, res.TraceCount));
        chunk.Results.Add(r);

        if (res.Status == SettlementStatus.Quarantined)
        {
            chunk.Quarantine.Add(new QuarantineRow(row.SetlId, row.BatchId, row.SourceFile, row.SourceLine, "policy", res.Reason ?? "quarantined by the engine"));
            return;
        }
        if (res.Status == SettlementStatus.Settled)
        {
            LedgerPosting.Post(row.ClaimSeq, row.SetlId, orig is not null, row.Insutype, row.FixmedinsCode, res, chunk.Ledger);
            if (res.AlertThreshold > 0) chunk.Alerts.Add(new AlertRow(row.PsnNo, r.Year.Value, res.AlertThreshold, res.AlertBurden, row.SetlId));
        }
        pass.Settled[row.SetlId] = FromResult(r);
        if (orig is not null) pass.Reversed.Add(orig.SetlId);
    }

    private static void Quarantine(ClaimRow row, Chunk chunk, List<(string Field, string Reason)> errors)
    {
        var r = NewResult(row);
        r.Year = row.EndDate.Year;
        r.Status = "quarantined";
        r.Reason = errors.Count == 1 ? $"{errors[0].Field}: {errors[0].Reason}" : $"{errors[0].Field}: {errors[0].Reason} (+{errors.Count - 1} more)";
        r.Medfee = Fen(row.Medfee);
        r.Fulamt = Fen(row.Fulamt);
        r.Overlmt = Fen(row.Overlmt);
        r.Preselfpay = Fen(row.Preselfpay);
        r.Inscp = Fen(row.Inscp);
        r.ReversalOf = null;
        chunk.Results.Add(r);
        foreach (var (field, reason) in errors)
        {
            chunk.Quarantine.Add(new QuarantineRow(row.SetlId, row.BatchId, row.SourceFile, row.SourceLine, field, reason));
        }

        static long? Fen(decimal yuan) => FenMath.TryFromDecimalYuan(yuan, out long f) ? f : null;
    }

    private static ResultRow NewResult(ClaimRow row) => new()
    {
        SetlId = row.SetlId,
        PsnNo = row.PsnNo,
        BatchId = row.BatchId,
        Admdvs = row.Admdvs,
        Insutype = row.Insutype,
        MedType = row.MedType,
        FixmedinsCode = row.FixmedinsCode,
    };

    private static SettlementOut ToOut(OriginalResult o) => new()
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
    };

    private static OriginalResult FromResult(ResultRow r) => new()
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
        AccDelta = r.AccDelta,
    };
}
