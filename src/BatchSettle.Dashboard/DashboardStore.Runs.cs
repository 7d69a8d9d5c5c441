using Dapper;

namespace BatchSettle.Dashboard;

internal sealed partial class DashboardStore
{
    /// <summary>China Standard Time (Asia/Shanghai): UTC+8, no daylight saving since 1991.</summary>
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private const string RunColumns = """
        r.run_id AS RunId, r.batch_id AS BatchId, r.status AS Status, r.attempt AS Attempt, r.partitions AS Partitions,
        r.requested_by AS RequestedBy, r.created_at AS CreatedAt, r.started_at AS StartedAt, r.finished_at AS FinishedAt,
        r.error AS Error,
        greatest(coalesce(r.claims_total, 0), coalesce(p.total, 0)) AS ClaimsTotal,
        -- Rows the run accounts for outside its partitions (claims the loader rejected, counted when the run ends) are
        -- done too, or a finished run with a load reject would show one claim short of its total.
        coalesce(p.done, 0) + greatest(coalesce(r.claims_total, 0) - coalesce(p.total, 0), 0) AS ClaimsDone,
        coalesce(r.settled, 0) AS Settled, coalesce(r.rejected, 0) AS Rejected, coalesce(r.quarantined, 0) AS Quarantined,
        coalesce(r.assumed_params, 0) AS AssumedParams, coalesce(r.superseded_params, 0) AS SupersededParams,
        r.lease_owner AS LeaseOwner, r.lease_expires_at AS LeaseExpiresAt, r.interrupted_at AS InterruptedAt,
        r.interrupt_reason AS InterruptReason, r.registry_as_of::text AS RegistryAsOf, r.registry_snapshot_id AS RegistrySnapshotId
        """;

    // The runs list's filters besides the state (RunFilter): any part of the batch id, the region (the batch id's first
    // part) and the clearing month (its last seven characters, YYYY-MM).
    private const string RunFilterSql = """
        (@batch::text IS NULL OR strpos(r.batch_id, @batch) > 0)
        AND (@admdvs::text IS NULL OR split_part(r.batch_id, '-', 1) = @admdvs)
        AND (@month::text IS NULL OR right(r.batch_id, 7) = @month)
        """;

    private const string PartitionSums = """
        LEFT JOIN LATERAL (
            SELECT sum(claims_done)::bigint AS done, sum(claims_total)::bigint AS total FROM run_partition rp WHERE rp.run_id = r.run_id
        ) p ON true
        """;

    public async Task<IReadOnlyList<StatusCount>> CountsAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        var rows = await conn.QueryAsync<StatusCount>(new CommandDefinition(
            "SELECT status AS Status, count(*) AS Count FROM run GROUP BY status ORDER BY status",
            cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>Newest first, keyset on run_id: <c>WHERE run_id &lt; @after ORDER BY run_id DESC LIMIT n</c>.</summary>
    public Task<RunPage> RunsAsync(string? status, long? after, int limit, CancellationToken cancellationToken) =>
        RunsAsync(new RunFilter(status), after, limit, cancellationToken);

    /// <summary>Newest first under <paramref name="filter"/>, keyset on run_id; counts per state under the other filters.</summary>
    public async Task<RunPage> RunsAsync(RunFilter filter, long? after, int limit, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        var items = (await conn.QueryAsync<RunSummary>(new CommandDefinition(
            $"""
            SELECT {RunColumns}
            FROM run r {PartitionSums}
            WHERE r.run_id < @after AND (@status::text IS NULL OR r.status = @status) AND {RunFilterSql}
            ORDER BY r.run_id DESC
            LIMIT @take
            """,
            new { after = after ?? long.MaxValue, status = filter.Status, batch = filter.Batch, admdvs = filter.Admdvs, month = filter.Month, take = limit + 1 },
            cancellationToken: cancellationToken))).ToList();
        long? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(limit);
            next = items[^1].RunId;
        }

        var counts = await conn.QueryAsync<StatusCount>(new CommandDefinition(
            $"SELECT r.status AS Status, count(*) AS Count FROM run r WHERE {RunFilterSql} GROUP BY r.status ORDER BY r.status",
            new { batch = filter.Batch, admdvs = filter.Admdvs, month = filter.Month }, cancellationToken: cancellationToken));
        var batches = await conn.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT batch_id FROM run ORDER BY batch_id", cancellationToken: cancellationToken));
        return new RunPage(items, [.. counts], next) { Batches = [.. batches] };
    }

    public async Task<RunSummary?> RunAsync(long runId, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        return await conn.QuerySingleOrDefaultAsync<RunSummary>(new CommandDefinition(
            $"SELECT {RunColumns} FROM run r {PartitionSums} WHERE r.run_id = @runId",
            new { runId }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<RunSummary>> RunningAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        var rows = await conn.QueryAsync<RunSummary>(new CommandDefinition(
            $"SELECT {RunColumns} FROM run r {PartitionSums} WHERE r.status IN ('queued', 'running', 'interrupted') ORDER BY r.run_id DESC LIMIT 20",
            cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<IReadOnlyList<PartitionProgress>> PartitionsAsync(long runId, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        var rows = await conn.QueryAsync<PartitionProgress>(new CommandDefinition(
            """
            SELECT part_no AS PartNo, status AS Status, owner AS Owner, coalesce(claims_done, 0) AS ClaimsDone,
                   coalesce(claims_total, 0) AS ClaimsTotal, coalesce(chunks, 0) AS Chunks, updated_at AS UpdatedAt, error AS Error, job_id AS JobId
            FROM run_partition WHERE run_id = @runId ORDER BY part_no
            """,
            new { runId }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>The last <paramref name="limit"/> progress samples of a run, oldest first.</summary>
    public async Task<IReadOnlyList<ProgressSample>> SamplesAsync(long runId, int limit, CancellationToken cancellationToken)
    {
        var rows = await OptionalAsync(async () =>
        {
            await using var conn = await db.OpenConnectionAsync(cancellationToken);
            return await conn.QueryAsync<ProgressSample>(new CommandDefinition(
                """
                SELECT sampled_at AS At, claims_done AS ClaimsDone FROM run_progress_sample
                WHERE run_id = @runId ORDER BY sampled_at DESC LIMIT @limit
                """,
                new { runId, limit }, cancellationToken: cancellationToken));
        });
        return [.. rows.Reverse()];
    }

    public async Task<bool> CancelRequestedAsync(long runId, CancellationToken cancellationToken)
    {
        var rows = await OptionalAsync(async () =>
        {
            await using var conn = await db.OpenConnectionAsync(cancellationToken);
            return await conn.QueryAsync<long>(new CommandDefinition(
                "SELECT run_id FROM run_cancel_request WHERE run_id = @runId", new { runId }, cancellationToken: cancellationToken));
        });
        return rows.Count != 0;
    }

    /// <summary>What one fund paid in the run and whether the books agree; cached once the run has ended.</summary>
    public async Task<(IReadOnlyList<FundTotal> Funds, Reconciliation Reconciliation)> BooksAsync(
        long runId, string status, CancellationToken cancellationToken)
    {
        if (settledBooks.TryGetValue(runId, out var cached))
        {
            return cached;
        }

        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        var funds = (await conn.QueryAsync<FundTotal>(new CommandDefinition(
            """
            SELECT fund_pay_type AS FundPayType, sum(debit)::bigint AS Fen, count(DISTINCT setl_id) AS Claims
            FROM ledger_line WHERE run_id = @runId AND account = 'benefit_expense'
            GROUP BY fund_pay_type ORDER BY fund_pay_type
            """,
            new { runId }, cancellationToken: cancellationToken))).ToList();
        var ledger = await conn.QuerySingleAsync<(long Debit, long Credit, long FundPay)>(new CommandDefinition(
            """
            SELECT coalesce(sum(debit), 0)::bigint, coalesce(sum(credit), 0)::bigint,
                   coalesce(sum(debit) FILTER (WHERE account = 'benefit_expense'), 0)::bigint
            FROM ledger_line WHERE run_id = @runId
            """,
            new { runId }, cancellationToken: cancellationToken));
        var unbalanced = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT count(*) FROM (
                SELECT entry_id FROM ledger_line WHERE run_id = @runId GROUP BY entry_id HAVING sum(debit) <> sum(credit)
            ) u
            """,
            new { runId }, cancellationToken: cancellationToken));
        var results = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT coalesce(sum(fund_pay_sumamt), 0)::bigint FROM settlement_result WHERE run_id = @runId AND status = 'settled'",
            new { runId }, cancellationToken: cancellationToken));

        var agrees = ledger.Debit == ledger.Credit && unbalanced == 0 && results == ledger.FundPay;
        var verdict = agrees ? "balanced" : IsTerminal(status) ? "mismatch" : "in progress";
        var books = ((IReadOnlyList<FundTotal>)funds, new Reconciliation(verdict, ledger.Debit, ledger.Credit, unbalanced, results, ledger.FundPay));
        if (IsTerminal(status))
        {
            settledBooks[runId] = books;
        }

        return books;
    }

    /// <summary>
    /// A run's quarantined claims in the order they were set aside, keyset on quarantine_id; with
    /// <paramref name="reason"/>, only the claims set aside for exactly that reason.
    /// </summary>
    public async Task<QuarantinePage> QuarantineAsync(long runId, long? after, int limit, CancellationToken cancellationToken, string? reason = null)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        var items = (await conn.QueryAsync<QuarantineItem>(new CommandDefinition(
            """
            SELECT q.quarantine_id AS QuarantineId, q.setl_id AS SetlId, regexp_replace(q.source_file, '^.*[/\\]', '') AS SourceFile,
                   q.source_line::bigint AS SourceLine, q.field AS Field, q.reason AS Reason,
                   (SELECT c.psn_no FROM staging_claim c WHERE c.setl_id = q.setl_id) AS PsnNo
            FROM quarantine q WHERE q.run_id = @runId AND q.quarantine_id > @after AND (@reason::text IS NULL OR q.reason = @reason)
            ORDER BY q.quarantine_id LIMIT @take
            """,
            new { runId, after = after ?? 0L, reason, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var reasons = (await conn.QueryAsync<ReasonCount>(new CommandDefinition(
            """
            SELECT reason AS Reason, count(*) AS Count FROM quarantine WHERE run_id = @runId
            GROUP BY reason ORDER BY count(*) DESC, reason
            """,
            new { runId }, cancellationToken: cancellationToken))).ToList();
        var total = reason is null ? reasons.Sum(r => r.Count) : reasons.Where(r => r.Reason == reason).Sum(r => r.Count);
        long? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(limit);
            next = items[^1].QuarantineId;
        }

        return new QuarantinePage(items, total, next) { Reasons = reasons };
    }

    /// <summary>
    /// Runs finished and claims settled per day since <paramref name="days"/> days ago; days in China Standard Time
    /// (Asia/Shanghai, UTC+8 all year: no daylight saving), as the pages show every time.
    /// </summary>
    public async Task<IReadOnlyList<DayStat>> HistoryAsync(int days, CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow().ToOffset(ChinaOffset).Date.AddDays(1 - days);
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        var rows = await conn.QueryAsync<(DateTime Day, long Succeeded, long Failed, long Settled, long Assumed)>(new CommandDefinition(
            """
            SELECT date_trunc('day', (finished_at AT TIME ZONE 'UTC') + interval '8 hours'),
                   count(*) FILTER (WHERE status LIKE 'succeeded%'), count(*) FILTER (WHERE status = 'failed'),
                   coalesce(sum(settled), 0)::bigint, coalesce(sum(assumed_params), 0)::bigint
            FROM run WHERE finished_at >= @since GROUP BY 1 ORDER BY 1
            """,
            new { since = new DateTimeOffset(since, ChinaOffset).ToUniversalTime() }, cancellationToken: cancellationToken));
        var byDay = rows.ToDictionary(r => DateOnly.FromDateTime(r.Day));
        var result = new List<DayStat>(days);
        for (var i = 0; i < days; i++)
        {
            var day = DateOnly.FromDateTime(since.AddDays(i));
            result.Add(byDay.TryGetValue(day, out var r) ? new DayStat(day, r.Succeeded, r.Failed, r.Settled) { AssumedParams = r.Assumed } : new DayStat(day, 0, 0, 0));
        }

        return result;
    }

    /// <summary>Records claims done for every running run (one row per run per sample).</summary>
    public async Task<int> SampleProgressAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        return await conn.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO run_progress_sample (run_id, sampled_at, claims_done)
            SELECT r.run_id, @at, coalesce(sum(p.claims_done), 0)
            FROM run r LEFT JOIN run_partition p ON p.run_id = r.run_id
            WHERE r.status = 'running'
            GROUP BY r.run_id
            ON CONFLICT DO NOTHING
            """,
            new { at = clock.GetUtcNow() }, cancellationToken: cancellationToken));
    }
}
