using System.Diagnostics;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Settlement;
using BatchSettle.Data.Migrations;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Polly;

namespace BatchSettle.Data.Runs;

/// <summary>
/// Settles a monthly batch (DESIGN.md "A run"): creates or resumes the run, settles its partitions in parallel from
/// their checkpoints, and closes the run with its counters. <c>RunPartitionAsync</c> is public so that a
/// scheduler can hand partitions to other nodes.
/// </summary>
public sealed partial class BatchRunner
{
    private readonly NpgsqlDataSource _ds;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ResiliencePipeline _retry;
    private SettlementEngine? _engine;

    public BatchRunner(NpgsqlDataSource dataSource, TimeProvider time, ILogger? log = null, ResiliencePipeline? retry = null)
    {
        _ds = dataSource;
        _time = time;
        _log = log ?? NullLogger.Instance;
        _retry = retry ?? RunResilience.Create(time);
    }

    /// <summary>Runs (or resumes) the batch to the end. A batch that already succeeded is left alone.</summary>
    public async Task<RunSummary> RunBatchAsync(string batchId, BatchRunOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        long started = _time.GetTimestamp();
        using var span = Telemetry.BatchSettleTelemetry.StartRun(0, batchId);
        // One process runs a batch at a time: a second one is told so (and changes nothing) instead of resuming the
        // run under the first one's feet, which left it 'failed' though every claim was settled (issue 12).
        await using var runLock = await _ds.OpenConnectionAsync(ct);
        if (!await runLock.ExecuteScalarAsync<bool>(new CommandDefinition(BatchLock.RunnerSql, new { batchId }, cancellationToken: ct)))
        {
            long? other = await runLock.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT max(run_id) FROM run WHERE batch_id = @batchId", new { batchId }, cancellationToken: ct));
            throw new RunBusyException(
                $"batch {batchId} is being run by another process{(other is { } o ? $" (run {o})" : "")}; this command changed nothing");
        }
        try
        {
            // Holding the batch lock, this process is the batch's runner: the lease says so to everyone else.
            options = options.LeaseOwner is null
                ? CopyWithOwner(options, RunLeases.RunnerPrefix + options.RequestedBy + " " + Environment.MachineName + "-" + Environment.ProcessId)
                : options;
            return await RunLockedAsync(batchId, options, span, started, ct);
        }
        finally
        {
            await runLock.ExecuteAsync(new CommandDefinition(BatchLock.RunnerUnlockSql, new { batchId }, cancellationToken: CancellationToken.None));
        }
    }

    private static BatchRunOptions CopyWithOwner(BatchRunOptions o, string owner) => new()
    {
        Partitions = o.Partitions,
        PartitionsGiven = o.PartitionsGiven,
        Parallelism = o.Parallelism,
        ChunkClaims = o.ChunkClaims,
        NodeId = o.NodeId,
        RequestedBy = o.RequestedBy,
        Lease = o.Lease,
        LeaseOwner = owner,
        AfterChunkCommit = o.AfterChunkCommit,
    };

    private async Task<RunSummary> RunLockedAsync(string batchId, BatchRunOptions options, Activity? span, long started, CancellationToken ct)
    {
        var (runId, already) = await PrepareCoreAsync(batchId, options, exclusive: true, ct);
        span?.SetTag(Telemetry.BatchSettleTelemetry.RunIdTag, runId);
        if (already) return (await ReadSummaryAsync(runId, ct)) with { AlreadySucceeded = true };

        int partitions;
        await using (var conn = await _ds.OpenConnectionAsync(ct))
        {
            partitions = await conn.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT partitions FROM run WHERE run_id = @runId", new { runId }, cancellationToken: ct));
        }

        // The lease: renewed on its own timer for as long as this process settles the run; a kill stops it, and the
        // run is then shown interrupted by whoever looks next (RunLeases.MarkExpiredAsync).
        await using var keeper = new RunLeaseKeeper(_ds, options.LeaseOwner ?? options.NodeId, options.Lease, m => RunLog.Lease(_log, m));
        using var hold = keeper.Hold(runId);
        var errors = new List<string>();
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, partitions),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = ct },
                async (part, pct) =>
                {
                    try
                    {
                        await RunPartitionAsync(runId, part, options, pct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !pct.IsCancellationRequested)
                    {
                        lock (errors) errors.Add($"partition {part}: {e.Message}");
                    }
                });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped on purpose (Ctrl-C, SIGTERM, the dashboard host stopping): say so at once instead of waiting for
            // the lease to expire. What is committed stays; `run --batch` resumes it.
            try
            {
                await RunLeases.MarkInterruptedAsync(_ds, runId,
                    $"stopped by its owner {options.LeaseOwner} at {_time.GetUtcNow().UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC; resume it to finish", CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // The database is gone too: the lease expires and a watcher marks it.
            }
            throw;
        }
        return await FinishRunAsync(runId, errors, _time.GetElapsedTime(started), ct);
    }

    /// <summary>
    /// Creates the batch's run with its partitions (and quarantine results for rows the loader rejected), starts the
    /// run a trigger queued, or resumes the unfinished one. Returns (run id, already succeeded).
    /// </summary>
    public Task<(long RunId, bool AlreadySucceeded)> PrepareRunAsync(string batchId, BatchRunOptions options, CancellationToken ct = default) =>
        PrepareCoreAsync(batchId, options, exclusive: false, ct);

    private async Task<(long RunId, bool AlreadySucceeded)> PrepareCoreAsync(string batchId, BatchRunOptions options, bool exclusive, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Partitions < 1) throw new ArgumentException("partitions must be at least 1", nameof(options));
        if (options.Partitions > BatchRunOptions.MaxPartitions)
        {
            throw new ArgumentException($"partitions must be at most {BatchRunOptions.MaxPartitions}", nameof(options));
        }
        string leaseOwner = options.LeaseOwner ?? options.NodeId;
        double leaseMs = options.Lease.Duration.TotalMilliseconds;
        for (int attempt = 0; ; attempt++)
        {
            await using var conn = await _ds.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            // Ordered against claim loads into this batch (the loader and the staging_claim seal trigger take it too).
            await conn.ExecuteAsync(new CommandDefinition(BatchLock.StagingSql, new { batchId }, tx, cancellationToken: ct));
            var now = _time.GetUtcNow();
            // A trigger's record of a run that never started (failed before it could: no claims) is not the batch's run.
            var last = await conn.QueryFirstOrDefaultAsync<LastRun?>(new CommandDefinition(
                """
                SELECT run_id AS RunId, status AS Status, partitions AS Partitions, started_at IS NOT NULL AS Started,
                       lease_owner AS LeaseOwner, coalesce(lease_expires_at > clock_timestamp(), false) AS LeaseLive,
                       lease_renewed_at AS LeaseRenewedAt
                FROM run WHERE batch_id = @batchId AND NOT (status = 'failed' AND started_at IS NULL)
                ORDER BY run_id DESC LIMIT 1 FOR UPDATE
                """, new { batchId }, tx, cancellationToken: ct));
            bool followUp = false;
            long? followUpOf = null;
            long? queuedRun = null;
            if (last is { } l)
            {
                if (l.Status is "succeeded" or "succeeded_with_quarantine")
                {
                    // Claims staged after that run (and rows rejected since) are settled by a follow-up run; with none,
                    // the batch is done and nothing changes.
                    if (await PendingAsync(conn, tx, batchId, ct) == 0) return (l.RunId, true);
                    followUp = true;
                    followUpOf = l.RunId;
                }
                else if (l.Status == "queued" && !l.Started)
                {
                    // Queued by a trigger: start it now (a follow-up when the batch's last started run succeeded).
                    queuedRun = l.RunId;
                    followUpOf = await conn.ExecuteScalarAsync<long?>(new CommandDefinition(
                        """
                        SELECT run_id FROM run WHERE batch_id = @batchId AND started_at IS NOT NULL AND run_id < @runId
                          AND status IN ('succeeded', 'succeeded_with_quarantine')
                          AND run_id = (SELECT max(run_id) FROM run WHERE batch_id = @batchId AND started_at IS NOT NULL AND run_id < @runId)
                        """, new { batchId, runId = l.RunId }, tx, cancellationToken: ct));
                    followUp = followUpOf is not null;
                }
                else
                {
                    string was = l.Status;
                    string? note = null;
                    if (l.Status == "running" && l.LeaseLive)
                    {
                        bool runnerGone = exclusive && l.LeaseOwner is { } lo && lo.StartsWith(RunLeases.RunnerPrefix, StringComparison.Ordinal);
                        if (!runnerGone)
                        {
                            throw new RunBusyException(
                                $"run {l.RunId} of batch {batchId} is running: {l.LeaseOwner ?? "its owner"} renewed its lease at "
                                + $"{l.LeaseRenewedAt:yyyy-MM-dd HH:mm:ss} UTC; this command changed nothing");
                        }
                        // A runner holds the batch lock for its whole run; this process has it, so that runner is gone.
                        note = $"owner {l.LeaseOwner} is gone (the batch's lock was free); taken over by {leaseOwner}";
                    }
                    else if (l.Status == "running")
                    {
                        note = $"owner {l.LeaseOwner ?? "(unknown)"} stopped renewing its lease at {l.LeaseRenewedAt:yyyy-MM-dd HH:mm:ss} UTC; taken over by {leaseOwner}";
                    }
                    if (note is not null) was = "interrupted: " + note;
                    await conn.ExecuteAsync(new CommandDefinition(
                        $"""
                        UPDATE run SET status = 'running', attempt = attempt + 1, started_at = @now, finished_at = NULL, error = NULL,
                            interrupted_at = CASE WHEN @note::text IS NULL THEN interrupted_at ELSE clock_timestamp() END,
                            interrupt_reason = coalesce(@note, interrupt_reason),
                            registry_snapshot_id = coalesce(registry_snapshot_id, (SELECT max(snapshot_id) FROM registry_snapshot)),
                            registry_as_of = coalesce(registry_as_of, @asOf::date),
                            {RunLeases.StartLeaseSql}
                        WHERE run_id = @runId
                        """, new { now, runId = l.RunId, note, leaseOwner, leaseMs, asOf = Staging.RegistryDates.InChina(now).ToDateTime(TimeOnly.MinValue) }, tx, cancellationToken: ct));
                    await tx.CommitAsync(ct);
                    // The partition count is the run's own (its checkpoints are per partition): say so when asked for another.
                    string kept = options.PartitionsGiven && options.Partitions != l.Partitions
                        ? $"; it keeps its {l.Partitions} partitions (--partitions {options.Partitions} applies to a new run only)"
                        : $"; {l.Partitions} partitions";
                    RunLog.Resuming(_log, l.RunId, batchId, was, kept);
                    return (l.RunId, false);
                }
            }

            if (!followUp)
            {
                // Whether the batch has anything staged, not how much: counting a 2.75M-claim batch took ~1 s here.
                // Through the batch's index: the planner, taking the batch for half the table, read it sequentially
                // from the start, past every row of the batches loaded before (0.8 s for the second 5M batch).
                await conn.ExecuteAsync(new CommandDefinition("SET LOCAL enable_seqscan = off", transaction: tx, cancellationToken: ct));
                bool any = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
                    """
                    SELECT EXISTS (SELECT 1 FROM staging_claim WHERE batch_id = @batchId)
                        OR EXISTS (SELECT 1 FROM staging_reject WHERE batch_id = @batchId AND kind = 'claim' AND NOT refused)
                    """, new { batchId }, tx, cancellationToken: ct));
                await conn.ExecuteAsync(new CommandDefinition("SET LOCAL enable_seqscan = on", transaction: tx, cancellationToken: ct));
                if (!any)
                {
                    // Leave a visible record with the reason (the dashboard's run list), then say it.
                    string reason = NoClaimsReason(batchId);
                    await RecordStartFailureAsync(conn, tx, batchId, queuedRun, options, reason, now, ct);
                    await tx.CommitAsync(ct);
                    throw new RunFailedException(reason);
                }
            }
            try
            {
                var args = new
                {
                    batchId, partitions = options.Partitions, requestedBy = options.RequestedBy, now, followUpOf, leaseOwner, leaseMs,
                    asOf = Staging.RegistryDates.InChina(now).ToDateTime(TimeOnly.MinValue), queuedRun,
                };
                long runId = queuedRun is not null
                    ? await conn.ExecuteScalarAsync<long>(new CommandDefinition(
                        $"""
                        UPDATE run SET status = 'running', partitions = @partitions, started_at = @now, follow_up_of = @followUpOf,
                            registry_snapshot_id = (SELECT max(snapshot_id) FROM registry_snapshot), registry_as_of = @asOf::date,
                            {RunLeases.StartLeaseSql}
                        WHERE run_id = @queuedRun RETURNING run_id
                        """, args, tx, cancellationToken: ct))
                    : await conn.ExecuteScalarAsync<long>(new CommandDefinition(
                        $"""
                        INSERT INTO run (batch_id, status, partitions, requested_by, created_at, started_at, follow_up_of,
                                         registry_snapshot_id, registry_as_of, lease_owner, lease_renewed_at, lease_expires_at)
                        VALUES (@batchId, 'running', @partitions, @requestedBy, @now, @now, @followUpOf,
                                (SELECT max(snapshot_id) FROM registry_snapshot), @asOf::date, @leaseOwner, clock_timestamp(),
                                clock_timestamp() + @leaseMs * interval '1 millisecond')
                        RETURNING run_id
                        """, args, tx, cancellationToken: ct));
                // The partitions: contiguous psn_no ranges of equal claim counts (migration 098, PartitionPlan).
                var plan = await PartitionPlan.ComputeAsync(conn, tx, batchId, options.Partitions, followUp, ct);
                await conn.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO run_partition (run_id, part_no, status, claims_total, updated_at, by_range, psn_from, psn_to)
                    SELECT @runId, p.k - 1, 'pending', p.claims, @now, true, p.psn_from, p.psn_to
                    FROM unnest(@from::text[], @to::text[], @claims::bigint[]) WITH ORDINALITY AS p(psn_from, psn_to, claims, k)
                    """, new
                    {
                        runId, now, from = plan.Select(p => p.From).ToArray(), to = plan.Select(p => p.To).ToArray(),
                        claims = plan.Select(p => p.Claims).ToArray(),
                    }, tx, cancellationToken: ct));
                await QuarantineLoadRejectsAsync(conn, tx, runId, batchId, ct);
                await tx.CommitAsync(ct);
                if (followUp) RunLog.FollowUpCreated(_log, runId, batchId, followUpOf!.Value, options.Partitions);
                else RunLog.Created(_log, runId, batchId, options.Partitions);
                return (runId, false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && attempt < 3)
            {
                // Another process created the batch's run at the same moment: use that one.
            }
        }
    }

    /// <summary>Why a batch with nothing staged cannot run.</summary>
    public static string NoClaimsReason(string batchId) =>
        $"batch {batchId} has no claims in staging (never loaded, or not this id): load it first (batchsettle load --claims …)";

    /// <summary>
    /// The record of a run that could not start: the queued run a trigger made, or a new row, 'failed' with the reason
    /// and never started (started_at null), so it neither seals the batch nor counts as its run.
    /// </summary>
    internal static Task RecordStartFailureAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string batchId, long? queuedRun,
        BatchRunOptions options, string reason, DateTimeOffset now, CancellationToken ct) =>
        queuedRun is { } q
            ? conn.ExecuteAsync(new CommandDefinition(
                "UPDATE run SET status = 'failed', finished_at = @now, error = @reason WHERE run_id = @q",
                new { now, reason, q }, tx, cancellationToken: ct))
            : conn.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO run (batch_id, status, partitions, requested_by, created_at, finished_at, error)
                VALUES (@batchId, 'failed', @partitions, @requestedBy, @now, @now, @reason)
                """, new { batchId, partitions = options.Partitions, requestedBy = options.RequestedBy, now, reason }, tx, cancellationToken: ct));

    private sealed record LastRun(long RunId, string Status, int Partitions, bool Started, string? LeaseOwner, bool LeaseLive, DateTime? LeaseRenewedAt);

    /// <summary>
    /// What a follow-up run of the batch would have to do: staged claims without a result plus rows rejected at load
    /// that no run of the batch has counted yet.
    /// </summary>
    private static Task<long> PendingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string batchId, CancellationToken ct) =>
        conn.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT (SELECT count(*) FROM staging_claim c WHERE c.batch_id = @batchId
                      AND NOT EXISTS (SELECT 1 FROM settlement_result r WHERE r.claim_seq = c.claim_seq))
                 + (SELECT count(*) FROM staging_reject j WHERE j.batch_id = @batchId AND j.kind = 'claim' AND NOT j.refused
                      AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.reject_id = j.reject_id))
            """, new { batchId }, tx, commandTimeout: 0, cancellationToken: ct));

    private static async Task QuarantineLoadRejectsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long runId, string batchId, CancellationToken ct)
    {
        // Rows the loader could not type are part of the batch: each gets a quarantine row, and (when its setl_id was
        // readable and no valid row with that setl_id was loaded) a quarantined result, keyed by −reject_id (it has no
        // claim_seq; migration 023).
        await conn.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO quarantine (setl_id, batch_id, run_id, source_file, source_line, field, reason, reject_id)
            SELECT setl_id, batch_id, @runId, source_file, source_line, field, reason, reject_id
            FROM staging_reject j WHERE batch_id = @batchId AND kind = 'claim' AND NOT refused
              AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.reject_id = j.reject_id)
            ORDER BY reject_id
            """, new { runId, batchId }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO settlement_result (claim_seq, setl_id, psn_no, batch_id, admdvs, insutype, med_type, fixmedins_code, status, reason, run_id)
            SELECT DISTINCT ON (j.setl_id) -j.reject_id, j.setl_id, COALESCE(j.psn_no, ''), j.batch_id, '', '', '', '', 'quarantined',
                   'load: ' || j.field || ': ' || j.reason, @runId
            FROM staging_reject j
            WHERE j.batch_id = @batchId AND j.kind = 'claim' AND j.setl_id IS NOT NULL AND NOT j.refused
              AND NOT EXISTS (SELECT 1 FROM staging_claim c WHERE c.setl_id = j.setl_id)
            ORDER BY j.setl_id, j.reject_id
            ON CONFLICT (setl_id) WHERE claim_seq < 0 DO NOTHING
            """, new { runId, batchId }, tx, cancellationToken: ct));
    }

    private async Task<SettlementEngine> EngineAsync(CancellationToken ct)
    {
        if (_engine is not null) return _engine;
        await using var conn = await _ds.OpenConnectionAsync(ct);
        var policy = new PolicySet(await PolicyRows.ReadAllAsync(conn, ct));
        return _engine ??= new SettlementEngine(policy);
    }

    /// <summary>A run's totals over its results as stored: the select list and FROM; the caller adds the WHERE.</summary>
    private const string ResultTotalsSql =
        """
        SELECT count(*) AS claims,
                       count(*) FILTER (WHERE status = 'settled') AS settled,
                       count(*) FILTER (WHERE status = 'rejected') AS rejected,
                       count(*) FILTER (WHERE status = 'quarantined') AS quarantined,
                       count(*) FILTER (WHERE status = 'settled' AND assumed_params) AS assumed,
                       count(*) FILTER (WHERE status = 'settled' AND superseded_params) AS superseded,
                       COALESCE(sum(hifp_pay) FILTER (WHERE insutype = '310'), 0) AS t310100,
                       COALESCE(sum(hifp_pay) FILTER (WHERE insutype <> '310'), 0) AS t390100,
                       COALESCE(sum(hifmi_pay), 0) AS t390200,
                       COALESCE(sum(hifob_pay), 0) AS t330100,
                       COALESCE(sum(maf_pay), 0) AS t610100,
                       COALESCE(sum(psn_part_amt) FILTER (WHERE status = 'settled'), 0) AS psn,
                       -- CI-06: +1 / −1 in slot zero_claim_incentive_reset (migration 047).
                       count(*) FILTER (WHERE status = 'settled' AND acc_delta[(SELECT idx + 1 FROM accumulator_slot
                                                 WHERE name = 'zero_claim_incentive_reset')] = 1) AS zero_resets,
                       count(*) FILTER (WHERE status = 'settled' AND acc_delta[(SELECT idx + 1 FROM accumulator_slot
                                                 WHERE name = 'zero_claim_incentive_reset')] = -1) AS zero_undos
        FROM settlement_result
        """;

    /// <summary>The totals kept by the chunks in run_partition (migration 097) plus those of the results written
    /// outside chunks (the load rejects: negative claim_seq).</summary>
    private const string KeptTotalsSql =
        $"""
        WITH x AS ({ResultTotalsSql} WHERE claim_seq < 0 AND run_id = @runId),
        p AS (
            SELECT COALESCE(sum(tot_claims), 0) AS claims, COALESCE(sum(tot_settled), 0) AS settled,
                   COALESCE(sum(tot_rejected), 0) AS rejected, COALESCE(sum(tot_quarantined), 0) AS quarantined,
                   COALESCE(sum(tot_assumed), 0) AS assumed, COALESCE(sum(tot_superseded), 0) AS superseded,
                   COALESCE(sum(tot_310100), 0) AS t310100, COALESCE(sum(tot_390100), 0) AS t390100,
                   COALESCE(sum(tot_390200), 0) AS t390200, COALESCE(sum(tot_330100), 0) AS t330100,
                   COALESCE(sum(tot_610100), 0) AS t610100, COALESCE(sum(tot_psn_part), 0) AS psn,
                   COALESCE(sum(tot_zero_resets), 0) AS zero_resets, COALESCE(sum(tot_zero_undos), 0) AS zero_undos
            FROM run_partition WHERE run_id = @runId),
        t AS (
            SELECT x.claims + p.claims AS claims, x.settled + p.settled AS settled, x.rejected + p.rejected AS rejected,
                   x.quarantined + p.quarantined AS quarantined, x.assumed + p.assumed AS assumed,
                   x.superseded + p.superseded AS superseded, x.t310100 + p.t310100 AS t310100,
                   x.t390100 + p.t390100 AS t390100, x.t390200 + p.t390200 AS t390200, x.t330100 + p.t330100 AS t330100,
                   x.t610100 + p.t610100 AS t610100, x.psn + p.psn AS psn, x.zero_resets + p.zero_resets AS zero_resets,
                   x.zero_undos + p.zero_undos AS zero_undos
            FROM x, p)
        """;

    /// <summary>Marks superseded every load-reject result (claim_seq &lt; 0) whose setl_id has since been staged and
    /// settled: the transaction settings that keep each step on its index; see <see cref="FinishRunAsync"/> for why
    /// it is written this way.</summary>
    internal const string SupersedeLoadRejectsSettingsSql =
        "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_hashjoin = off; "
        + "SET LOCAL enable_mergejoin = off; SET LOCAL max_parallel_workers_per_gather = 0";

    /// <summary>The statement itself (run after <see cref="SupersedeLoadRejectsSettingsSql"/>).</summary>
    internal const string SupersedeLoadRejectsSql =
        """
        INSERT INTO result_superseded (superseded_claim_seq, setl_id, by_claim_seq, run_id, superseded_at)
        SELECT q.claim_seq, q.setl_id, m.claim_seq, m.run_id, @now
        FROM (SELECT claim_seq, setl_id FROM settlement_result WHERE claim_seq < 0 OFFSET 0) q
        CROSS JOIN LATERAL (
            SELECT r.claim_seq, r.run_id
            FROM staging_claim c JOIN settlement_result r ON r.claim_seq = c.claim_seq
            WHERE c.setl_id = q.setl_id
            OFFSET 0) m
        ON CONFLICT (superseded_claim_seq) DO NOTHING
        """;

    /// <summary>Closes the run: succeeded (with quarantine) when every partition succeeded, else failed.</summary>
    public async Task<RunSummary> FinishRunAsync(long runId, IReadOnlyList<string> errors, TimeSpan duration, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(errors);
        await using var conn = await _ds.OpenConnectionAsync(ct);
        var parts = (await conn.QueryAsync<(int PartNo, string Status, string? Error)>(new CommandDefinition(
            "SELECT part_no, status, error FROM run_partition WHERE run_id = @runId ORDER BY part_no", new { runId }, cancellationToken: ct))).ToList();
        var unfinished = parts.Where(p => p.Status != "succeeded").ToList();
        string? error = null;
        if (unfinished.Count > 0 || errors.Count > 0)
        {
            error = errors.Count > 0
                ? string.Join("; ", errors)
                : string.Join("; ", unfinished.Select(p => $"partition {p.PartNo} {p.Status}{(p.Error is null ? "" : ": " + p.Error)}"));
        }
        var now = _time.GetUtcNow();
        // The totals: the partitions' sums kept chunk by chunk (migration 097) plus the results written outside chunks
        // (load rejects, keyed −reject_id, found through the primary key); a run with a partition from before 097
        // sums all of its results, as before.
        bool kept = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT NOT EXISTS (SELECT 1 FROM run_partition WHERE run_id = @runId AND (tot_claims IS NULL OR tot_zero_undos IS NULL))",
            new { runId }, cancellationToken: ct));
        string totals = kept ? KeptTotalsSql : $"WITH t AS ({ResultTotalsSql} WHERE run_id = @runId)";
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            // Small statements over few rows: no JIT (with the cost of a disabled plan type it compiled for ~0.3 s).
            await conn.ExecuteAsync(new CommandDefinition("SET LOCAL jit = off", transaction: tx, cancellationToken: ct));
            if (kept)
            {
                await conn.ExecuteAsync(new CommandDefinition(
                    "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off", transaction: tx, cancellationToken: ct));
            }
            await conn.ExecuteAsync(new CommandDefinition(
                totals + "\n" + """
                UPDATE run SET
                    status = CASE WHEN @error IS NOT NULL AND EXISTS (
                                      SELECT 1 FROM run_cancel_request c WHERE c.run_id = @runId AND c.requested_at >= run.started_at)
                                  THEN 'cancelled'
                                  WHEN @error IS NOT NULL THEN 'failed'
                                  WHEN t.quarantined > 0 THEN 'succeeded_with_quarantine' ELSE 'succeeded' END,
                    finished_at = @now, error = @error,
                    claims_total = t.claims, settled = t.settled, rejected = t.rejected, quarantined = t.quarantined,
                    assumed_params = t.assumed, superseded_params = t.superseded, total_310100 = t.t310100,
                    total_390100 = t.t390100, total_390200 = t.t390200, total_330100 = t.t330100, total_610100 = t.t610100,
                    total_psn_part = t.psn, zero_claim_resets = t.zero_resets, zero_claim_reset_undos = t.zero_undos
                FROM t WHERE run.run_id = @runId
                """, new { runId, error, now }, tx, commandTimeout: 0, cancellationToken: ct));
            // A claim rejected at load (quarantined result keyed −reject_id) and since loaded correctly and settled: the
            // earlier result stays as history and is marked superseded, so a setl_id has one effective result. Few
            // rows, and the statement must be driven from them (the load-reject results, claim_seq < 0, through the
            // primary key), each looked up by setl_id. Right after a run the statistics are stale or absent (a table
            // never analysed: claim_seq < 0 is guessed at a third of the rows), and with a plain join the planner
            // drove it from the staged claims instead: 0.7 s at 1M, 6.9–7.7 s a batch at 5M, holding the run row (the
            // lease renewal waited on it). The lateral subqueries (OFFSET 0: not flattened) fix that order whatever
            // the statistics say; the settings keep each step on its index.
            await conn.ExecuteAsync(new CommandDefinition(SupersedeLoadRejectsSettingsSql, transaction: tx, cancellationToken: ct));
            await conn.ExecuteAsync(new CommandDefinition(
                SupersedeLoadRejectsSql, new { now }, tx, commandTimeout: 0, cancellationToken: ct));
            await tx.CommitAsync(ct);
        }
        if (error is null) await SealRunAsync(_ds, conn, runId, ct);
        var summary = (await ReadSummaryAsync(runId, ct)) with { Duration = duration };
        // In the worker the run has no span of its own (its partitions run as separate jobs): tag only a run span.
        var runSpan = System.Diagnostics.Activity.Current is { OperationName: Telemetry.BatchSettleTelemetry.RunSpan } a ? a : null;
        Telemetry.BatchSettleTelemetry.RecordRunEnd(runSpan, duration, summary.Status);
        return summary;
    }

    /// <summary>
    /// Seals a finished run (migration 052): the digest of its results and ledger lines as stored, and an HMAC under
    /// the key kept outside the database, chained to the seal before. Once per run; reconcile verifies it.
    /// </summary>
    private static async Task SealRunAsync(NpgsqlDataSource ds, NpgsqlConnection conn, long runId, CancellationToken ct)
    {
        // The digest first, outside the seal lock: the partitions' sums of the keyed row hashes their chunks committed
        // (RunSealDigest, version 2, migration 096; a run begun before 096 is re-hashed on the server, version 1). A
        // finished run's rows no longer change, and the lock (which chains the seals) is held for a few small
        // statements. The run's state is read again under the lock: another process may have sealed it meanwhile.
        async Task<(string BatchId, bool ToSeal)> StateAsync(NpgsqlTransaction? tx)
        {
            var r = await conn.QuerySingleAsync<(string BatchId, string Status, bool Sealed)>(new CommandDefinition(
                "SELECT batch_id, status, EXISTS (SELECT 1 FROM run_seal s WHERE s.run_id = r.run_id) FROM run r WHERE run_id = @runId",
                new { runId }, tx, cancellationToken: ct));
            return (r.BatchId, !r.Sealed && r.Status is ("succeeded" or "succeeded_with_quarantine"));
        }

        if (!(await StateAsync(null)).ToSeal) return;
        var d = await RunSealDigest.ForSealAsync(ds, runId, ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(1112691459)", transaction: tx, cancellationToken: ct));
        var run = await StateAsync(tx);
        if (!run.ToSeal) return;
        var prev = await conn.QueryFirstOrDefaultAsync<(long RunId, byte[] Seal)?>(new CommandDefinition(
            "SELECT run_id, seal FROM run_seal ORDER BY sealed_at DESC, run_id DESC LIMIT 1", transaction: tx, cancellationToken: ct));
        byte[] seal = Infrastructure.SealKey.Seal(Infrastructure.SealKey.Get(), runId, run.BatchId, d.Results, d.LedgerLines, d.Digest, prev?.Seal);
        await conn.ExecuteAsync(new CommandDefinition(
            "INSERT INTO run_seal (run_id, batch_id, results, ledger_lines, digest, prev_run_id, seal, sealed_at) "
            + "VALUES (@runId, @batchId, @results, @ledger, @digest, @prevRunId, @seal, now())",
            new { runId, batchId = run.BatchId, results = d.Results, ledger = d.LedgerLines, digest = d.Digest, prevRunId = prev?.RunId, seal },
            tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    /// <summary>The stored summary of a run.</summary>
    public async Task<RunSummary> ReadSummaryAsync(long runId, CancellationToken ct = default)
    {
        await using var conn = await _ds.OpenConnectionAsync(ct);
        return await conn.QuerySingleAsync<RunSummary>(new CommandDefinition(
            """
            SELECT run_id AS RunId, batch_id AS BatchId, status, attempt, claims_total AS Claims, settled, rejected,
                   quarantined, assumed_params AS AssumedParams, superseded_params AS SupersededParams, total_310100 AS Total310100, total_390100 AS Total390100,
                   total_390200 AS Total390200, total_330100 AS Total330100, total_610100 AS Total610100,
                   total_psn_part AS TotalPsnPart, zero_claim_resets AS ZeroClaimResets,
                   zero_claim_reset_undos AS ZeroClaimResetUndos, error
            FROM run WHERE run_id = @runId
            """, new { runId }, cancellationToken: ct));
    }

    [Conditional("DEBUG")]
    private static void AssertBalanced(in SettlementOut r) =>
        Debug.Assert(r.Status != SettlementStatus.Settled || r.FundPaySumamt == r.HifpPay + r.HifmiPay + r.HifobPay + r.MafPay);
}

/// <summary>A run that cannot start or did not finish; the message says why.</summary>
public class RunFailedException(string message) : Exception(message);

/// <summary>Another process is running the batch; this one did nothing.</summary>
public sealed class RunBusyException(string message) : RunFailedException(message);
