using System.Globalization;
using System.Text;
using BatchSettle.Core.Money;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Reconcile;

/// <summary>
/// Checks that a batch's settlement results and its ledger agree to the fen (POLICY.md §10): per fund
/// (fund_pay_type), per facility and fund, and the trial balance (debits = credits) per entry and per run.
/// </summary>
public sealed class Reconciler(NpgsqlDataSource dataSource)
{
    public async Task<ReconcileReport> ReconcileAsync(string batchId, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var report = new ReconcileReport(batchId);
        const string ResultFunds =
            """
            SELECT fixmedins_code, CASE WHEN insutype = '310' THEN '310100' ELSE '390100' END AS fund, hifp_pay AS amt
              FROM settlement_result WHERE batch_id = @batchId AND status = 'settled'
            UNION ALL SELECT fixmedins_code, '390200', hifmi_pay FROM settlement_result WHERE batch_id = @batchId AND status = 'settled'
            UNION ALL SELECT fixmedins_code, '330100', hifob_pay FROM settlement_result WHERE batch_id = @batchId AND status = 'settled'
            UNION ALL SELECT fixmedins_code, '610100', maf_pay FROM settlement_result WHERE batch_id = @batchId AND status = 'settled'
            """;
        var perFund = await conn.QueryAsync<(string Fund, long Results, long Debits, long Credits)>(new CommandDefinition(
            $"""
            WITH r AS (SELECT fund, sum(amt)::bigint AS amt FROM ({ResultFunds}) x GROUP BY fund),
                 l AS (SELECT fund_pay_type AS fund,
                              COALESCE(sum(debit) FILTER (WHERE account = 'benefit_expense'), 0)::bigint AS debits,
                              COALESCE(sum(credit) FILTER (WHERE account = 'payable_facility'), 0)::bigint AS credits
                       FROM ledger_line WHERE batch_id = @batchId AND kind IN ('settlement', 'reversal') AND fund_pay_type IS NOT NULL GROUP BY fund_pay_type)
            SELECT COALESCE(r.fund, l.fund), COALESCE(r.amt, 0), COALESCE(l.debits, 0), COALESCE(l.credits, 0)
            FROM r FULL JOIN l ON l.fund = r.fund ORDER BY 1
            """, new { batchId }, cancellationToken: ct));
        foreach (var f in perFund)
        {
            report.Funds.Add(f);
            if (f.Results != f.Debits || f.Results != f.Credits)
            {
                report.Differences.Add($"fund {f.Fund}: results {FenMath.FormatYuan(f.Results)}, ledger debits {FenMath.FormatYuan(f.Debits)}, credits {FenMath.FormatYuan(f.Credits)}");
            }
        }

        // Per facility, all funds together: what the results owe the facility against its payable credits.
        var facilities = await conn.QueryAsync<(string Facility, long Results, long Ledger)>(new CommandDefinition(
            $"""
            WITH r AS (SELECT fixmedins_code AS fac, sum(amt)::bigint AS amt FROM ({ResultFunds}) x GROUP BY 1),
                 l AS (SELECT fixmedins_code AS fac, sum(credit)::bigint AS amt FROM ledger_line
                       WHERE batch_id = @batchId AND kind IN ('settlement', 'reversal') AND account = 'payable_facility' GROUP BY 1)
            SELECT COALESCE(r.fac, l.fac, ''), COALESCE(r.amt, 0), COALESCE(l.amt, 0)
            FROM r FULL JOIN l ON l.fac = r.fac
            ORDER BY COALESCE(r.fac, l.fac, '') COLLATE "C"
            """, new { batchId }, cancellationToken: ct));
        report.Facilities.AddRange(facilities);

        var perFacility = await conn.QueryAsync<(string Facility, string Fund, long Results, long Ledger)>(new CommandDefinition(
            $"""
            WITH r AS (SELECT fixmedins_code AS fac, fund, sum(amt)::bigint AS amt FROM ({ResultFunds}) x GROUP BY 1, 2),
                 l AS (SELECT fixmedins_code AS fac, fund_pay_type AS fund, sum(credit)::bigint AS amt FROM ledger_line
                       WHERE batch_id = @batchId AND kind IN ('settlement', 'reversal') AND account = 'payable_facility' GROUP BY 1, 2)
            SELECT COALESCE(r.fac, l.fac), COALESCE(r.fund, l.fund), COALESCE(r.amt, 0), COALESCE(l.amt, 0)
            FROM r FULL JOIN l ON l.fac = r.fac AND l.fund = r.fund
            WHERE COALESCE(r.amt, 0) <> COALESCE(l.amt, 0)
            ORDER BY 1, 2
            """, new { batchId }, cancellationToken: ct));
        foreach (var f in perFacility)
        {
            report.Differences.Add($"facility {f.Facility} fund {f.Fund}: results {FenMath.FormatYuan(f.Results)}, ledger {FenMath.FormatYuan(f.Ledger)}");
        }

        var psn = await conn.QuerySingleAsync<(long Results, long Ledger)>(new CommandDefinition(
            """
            SELECT (SELECT COALESCE(sum(psn_part_amt), 0)::bigint FROM settlement_result WHERE batch_id = @batchId AND status = 'settled'),
                   (SELECT COALESCE(sum(debit), 0)::bigint FROM ledger_line WHERE batch_id = @batchId AND kind IN ('settlement', 'reversal') AND account = 'memo_personal_share')
            """, new { batchId }, cancellationToken: ct));
        report.PersonalShare = psn;
        if (psn.Results != psn.Ledger)
        {
            report.Differences.Add($"personal share: results {FenMath.FormatYuan(psn.Results)}, ledger memo {FenMath.FormatYuan(psn.Ledger)}");
        }

        var entries = await conn.QueryAsync<(long EntryId, string? SetlId, long Debits, long Credits)>(new CommandDefinition(
            """
            SELECT entry_id, min(setl_id), sum(debit)::bigint, sum(credit)::bigint FROM ledger_line WHERE batch_id = @batchId
            GROUP BY entry_id HAVING sum(debit) <> sum(credit) ORDER BY entry_id LIMIT 100
            """, new { batchId }, cancellationToken: ct));
        foreach (var e in entries)
        {
            report.Differences.Add($"entry {e.EntryId} ({e.SetlId}) unbalanced: debits {FenMath.FormatYuan(e.Debits)}, credits {FenMath.FormatYuan(e.Credits)}");
        }
        var runs = await conn.QueryAsync<(long RunId, long Debits, long Credits)>(new CommandDefinition(
            """
            SELECT run_id, sum(debit)::bigint, sum(credit)::bigint FROM ledger_line WHERE batch_id = @batchId
            GROUP BY run_id ORDER BY run_id
            """, new { batchId }, cancellationToken: ct));
        foreach (var r in runs)
        {
            report.Runs.Add(r);
            if (r.Debits != r.Credits)
            {
                report.Differences.Add($"run {r.RunId} trial balance: debits {FenMath.FormatYuan(r.Debits)} <> credits {FenMath.FormatYuan(r.Credits)}");
            }
        }

        // A settled claim with payments must have an entry; an entry must belong to a settled claim; a result is keyed
        // by its staged claim's claim_seq (migration 023), so its setl_id must be that claim's.
        var orphans = await conn.QueryAsync<string>(new CommandDefinition(
            """
            SELECT 'settled claim ' || r.setl_id || ' has no ledger entry' FROM settlement_result r
            WHERE r.batch_id = @batchId AND r.status = 'settled' AND r.medfee_sumamt <> 0
              AND NOT EXISTS (SELECT 1 FROM ledger_line l WHERE l.entry_id = r.claim_seq)
            UNION ALL
            SELECT DISTINCT 'ledger entry for ' || l.setl_id || ' has no settled result' FROM ledger_line l
            WHERE l.batch_id = @batchId AND l.setl_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM settlement_result r WHERE r.claim_seq = l.entry_id AND r.setl_id = l.setl_id AND r.status = 'settled')
            UNION ALL
            SELECT 'result ' || r.setl_id || ' does not match its staged claim ' || coalesce(c.setl_id, '(none)') FROM settlement_result r
            LEFT JOIN staging_claim c ON c.claim_seq = r.claim_seq
            WHERE r.batch_id = @batchId AND r.claim_seq > 0 AND c.setl_id IS DISTINCT FROM r.setl_id
            UNION ALL
            SELECT 'subsidy entry ' || l.entry_id || ' is filed under claim batch ' || l.batch_id FROM ledger_line l
            WHERE l.batch_id = @batchId AND l.kind = 'subsidy' GROUP BY l.entry_id, l.batch_id
            UNION ALL
            SELECT 'assistance application entry ' || l.entry_id || ' is filed under claim batch ' || l.batch_id FROM ledger_line l
            WHERE l.batch_id = @batchId AND l.kind = 'assistance_application' GROUP BY l.entry_id, l.batch_id
            LIMIT 100
            """, new { batchId }, cancellationToken: ct));
        report.Differences.AddRange(orphans);
        await CheckCompletenessAsync(conn, report, ct);
        await CheckSealsAsync(conn, report, ct);
        return report;
    }

    /// <summary>
    /// Tamper evidence (migration 052): every finished run of the batch is sealed, its rows still hash to the sealed
    /// digest, the seal is the HMAC of its facts under the key outside the database, and every result and ledger
    /// line of the batch belongs to a sealed run (or to an unfinished one).
    /// </summary>
    private async Task CheckSealsAsync(NpgsqlConnection conn, ReconcileReport report, CancellationToken ct)
    {
        string batchId = report.BatchId;
        byte[] key = Infrastructure.SealKey.Get();
        var runs = await conn.QueryAsync<(long RunId, long? Results, long? LedgerLines, byte[]? Digest, byte[]? Seal, byte[]? PrevSeal)>(new CommandDefinition(
            """
            SELECT r.run_id, s.results, s.ledger_lines, s.digest, s.seal, p.seal
            FROM run r LEFT JOIN run_seal s ON s.run_id = r.run_id LEFT JOIN run_seal p ON p.run_id = s.prev_run_id
            WHERE r.batch_id = @batchId AND r.status IN ('succeeded', 'succeeded_with_quarantine')
            ORDER BY r.run_id
            """, new { batchId }, cancellationToken: ct));
        foreach (var r in runs)
        {
            if (r.Seal is null)
            {
                report.Differences.Add($"run {r.RunId} is not sealed: its results and ledger cannot be shown unaltered");
                continue;
            }
            var now = await Runs.RunSealDigest.RecomputeAsync(dataSource, r.RunId, r.Digest, ct);
            bool same = now.Digest.AsSpan().SequenceEqual(r.Digest);
            if (now.Results != r.Results || now.LedgerLines != r.LedgerLines || !same)
            {
                report.Differences.Add($"run {r.RunId}: results or ledger lines changed since the run sealed them " +
                    $"(sealed {r.Results} results, {r.LedgerLines} ledger lines; now {now.Results}, {now.LedgerLines}; digest {(same ? "same" : "differs")})");
            }
            byte[] expected = Infrastructure.SealKey.Seal(key, r.RunId, batchId, r.Results!.Value, r.LedgerLines!.Value, r.Digest!, r.PrevSeal);
            if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, r.Seal))
            {
                report.Differences.Add($"run {r.RunId}: its seal does not verify (the seal row was rewritten, or this process has another seal key)");
            }
            report.SealedRuns++;
        }
        var stray = await conn.QueryAsync<string>(new CommandDefinition(
            """
            SELECT 'results of run ' || x.run_id || ' in batch ' || @batchId || ' belong to no sealed run of the batch'
            FROM (SELECT DISTINCT run_id FROM settlement_result WHERE batch_id = @batchId) x
            WHERE NOT EXISTS (SELECT 1 FROM run_seal s WHERE s.run_id = x.run_id AND s.batch_id = @batchId)
              AND NOT EXISTS (SELECT 1 FROM run r WHERE r.run_id = x.run_id AND r.batch_id = @batchId AND r.status NOT IN ('succeeded', 'succeeded_with_quarantine'))
            UNION ALL
            SELECT 'ledger lines of run ' || x.run_id || ' in batch ' || @batchId || ' belong to no sealed run of the batch'
            FROM (SELECT DISTINCT run_id FROM ledger_line WHERE batch_id = @batchId AND kind IN ('settlement', 'reversal')) x
            WHERE NOT EXISTS (SELECT 1 FROM run_seal s WHERE s.run_id = x.run_id AND s.batch_id = @batchId)
              AND NOT EXISTS (SELECT 1 FROM run r WHERE r.run_id = x.run_id AND r.batch_id = @batchId AND r.status NOT IN ('succeeded', 'succeeded_with_quarantine'))
            """, new { batchId }, commandTimeout: 0, cancellationToken: ct));
        report.Differences.AddRange(stray);
    }

    /// <summary>
    /// Every staged claim of the batch has exactly one result; every row rejected at load for the batch is counted by a
    /// run (a quarantine row); rows refused (batch sealed) and rows with no readable batch are named; every finished
    /// run's counters equal its results; one effective result per setl_id across batches (a load reject's result
    /// superseded by the corrected claim's is history, not a second result).
    /// </summary>
    private static async Task CheckCompletenessAsync(NpgsqlConnection conn, ReconcileReport report, CancellationToken ct)
    {
        string batchId = report.BatchId;
        var c = await conn.QuerySingleAsync<(long Staged, long Rejects, long Refused, long Runs, long? LastRun, string? LastStatus)>(new CommandDefinition(
            """
            SELECT (SELECT count(*) FROM staging_claim WHERE batch_id = @batchId),
                   (SELECT count(*) FROM staging_reject WHERE batch_id = @batchId AND kind = 'claim' AND NOT refused),
                   (SELECT count(*) FROM staging_reject WHERE batch_id = @batchId AND kind = 'claim' AND refused),
                   (SELECT count(*) FROM run WHERE batch_id = @batchId AND started_at IS NOT NULL),
                   (SELECT max(run_id) FROM run WHERE batch_id = @batchId AND started_at IS NOT NULL),
                   (SELECT status FROM run WHERE batch_id = @batchId AND started_at IS NOT NULL ORDER BY run_id DESC LIMIT 1)
            """, new { batchId }, commandTimeout: 0, cancellationToken: ct));
        report.Staged = c.Staged;
        report.LoadRejects = c.Rejects;
        report.Refused = c.Refused;
        if (c.Staged == 0 && c.Rejects == 0 && c.Runs == 0)
        {
            report.Differences.Add($"batch {batchId} does not exist: no claims staged, no run");
            return;
        }
        if (c.Runs == 0) report.Differences.Add($"batch {batchId} has not been run: {c.Staged} staged claims have no result");
        else if (c.LastStatus is not ("succeeded" or "succeeded_with_quarantine"))
        {
            report.Differences.Add($"run {c.LastRun} of batch {batchId} is {c.LastStatus}, not finished");
        }

        var missing = await conn.QueryAsync<string>(new CommandDefinition(
            """
            SELECT 'staged claim ' || s.setl_id || ' (' || s.source_file || ':' || s.source_line || ') has no result'
            FROM staging_claim s
            WHERE s.batch_id = @batchId AND NOT EXISTS (SELECT 1 FROM settlement_result r WHERE r.claim_seq = s.claim_seq)
            ORDER BY s.claim_seq LIMIT 20
            """, new { batchId }, commandTimeout: 0, cancellationToken: ct));
        if (c.Runs > 0) AddCapped(report, missing, "staged claims without a result", await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM staging_claim s WHERE s.batch_id = @batchId AND NOT EXISTS (SELECT 1 FROM settlement_result r WHERE r.claim_seq = s.claim_seq)",
            new { batchId }, commandTimeout: 0, cancellationToken: ct)));

        if (c.Runs > 0)
        {
            var uncounted = (await conn.QueryAsync<string>(new CommandDefinition(
                """
                SELECT 'row ' || j.source_file || ':' || j.source_line || ' rejected at load (' || j.field || ') is counted by no run'
                FROM staging_reject j
                WHERE j.batch_id = @batchId AND j.kind = 'claim' AND NOT j.refused
                  AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.reject_id = j.reject_id)
                ORDER BY j.reject_id LIMIT 20
                """, new { batchId }, cancellationToken: ct))).AsList();
            report.Differences.AddRange(uncounted);
        }

        // Run counters against the results they count.
        var runs = await conn.QueryAsync<string>(new CommandDefinition(
            """
            WITH t AS (
                SELECT run_id, count(*) AS claims,
                       count(*) FILTER (WHERE status = 'settled') AS settled,
                       count(*) FILTER (WHERE status = 'rejected') AS rejected,
                       count(*) FILTER (WHERE status = 'quarantined') AS quarantined,
                       COALESCE(sum(hifp_pay) FILTER (WHERE insutype = '310'), 0) AS t310100,
                       COALESCE(sum(hifp_pay) FILTER (WHERE insutype <> '310'), 0) AS t390100,
                       COALESCE(sum(hifmi_pay), 0) AS t390200, COALESCE(sum(hifob_pay), 0) AS t330100,
                       COALESCE(sum(maf_pay), 0) AS t610100,
                       COALESCE(sum(psn_part_amt) FILTER (WHERE status = 'settled'), 0) AS psn
                FROM settlement_result WHERE batch_id = @batchId GROUP BY run_id)
            SELECT 'run ' || r.run_id || ' counters (claims ' || r.claims_total || ', settled ' || r.settled || ', rejected ' || r.rejected
                   || ', quarantined ' || r.quarantined || ') differ from its results (claims ' || COALESCE(t.claims, 0) || ', settled '
                   || COALESCE(t.settled, 0) || ', rejected ' || COALESCE(t.rejected, 0) || ', quarantined ' || COALESCE(t.quarantined, 0)
                   || ') or its fund totals do'
            FROM run r LEFT JOIN t ON t.run_id = r.run_id
            WHERE r.batch_id = @batchId AND r.status IN ('succeeded', 'succeeded_with_quarantine')
              AND (r.claims_total, r.settled, r.rejected, r.quarantined, r.total_310100, r.total_390100, r.total_390200,
                   r.total_330100, r.total_610100, r.total_psn_part)
                  IS DISTINCT FROM (COALESCE(t.claims, 0), COALESCE(t.settled, 0), COALESCE(t.rejected, 0), COALESCE(t.quarantined, 0),
                   COALESCE(t.t310100, 0), COALESCE(t.t390100, 0), COALESCE(t.t390200, 0), COALESCE(t.t330100, 0),
                   COALESCE(t.t610100, 0), COALESCE(t.psn, 0))
            ORDER BY r.run_id
            """, new { batchId }, commandTimeout: 0, cancellationToken: ct));
        report.Differences.AddRange(runs);

        // One effective result per setl_id: a load reject's result (claim_seq < 0) next to a staged claim's result must
        // be marked superseded by it.
        var doubles = await conn.QueryAsync<string>(new CommandDefinition(
            """
            SELECT 'setl_id ' || q.setl_id || ' has two results (load reject in batch ' || q.batch_id || ', claim in batch '
                   || r.batch_id || ') and neither is superseded'
            FROM settlement_result q
            JOIN staging_claim s ON s.setl_id = q.setl_id
            JOIN settlement_result r ON r.claim_seq = s.claim_seq
            WHERE q.claim_seq < 0 AND (q.batch_id = @batchId OR r.batch_id = @batchId)
              AND NOT EXISTS (SELECT 1 FROM result_superseded x WHERE x.superseded_claim_seq = q.claim_seq AND x.by_claim_seq = r.claim_seq)
            LIMIT 20
            """, new { batchId }, cancellationToken: ct));
        report.Differences.AddRange(doubles);
        report.Superseded = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM result_superseded x JOIN settlement_result q ON q.claim_seq = x.superseded_claim_seq WHERE q.batch_id = @batchId",
            new { batchId }, cancellationToken: ct));

        // Rows no batch can count: a claim row whose fields could not be placed (wrong field count, unterminated
        // quote) has no readable batch. Named here (they are part of every load's input), not a difference of this batch.
        report.Unbatched.AddRange(await conn.QueryAsync<string>(new CommandDefinition(
            """
            SELECT source_file || ':' || source_line || ' ' || field || ': ' || reason FROM staging_reject
            WHERE kind = 'claim' AND batch_id IS NULL ORDER BY reject_id LIMIT 20
            """, cancellationToken: ct)));
        report.UnbatchedCount = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(DISTINCT (source_file, source_line)) FROM staging_reject WHERE kind = 'claim' AND batch_id IS NULL", cancellationToken: ct));
    }

    private static void AddCapped(ReconcileReport report, IEnumerable<string> lines, string what, long count)
    {
        var list = lines.AsList();
        report.Differences.AddRange(list);
        if (count > list.Count) report.Differences.Add($"... {count - list.Count} more {what}");
    }
}

/// <summary>The outcome of <see cref="Reconciler.ReconcileAsync"/>; <see cref="Differences"/> empty = agrees.</summary>
public sealed class ReconcileReport(string batchId)
{
    public string BatchId { get; } = batchId;
    public List<(string Fund, long Results, long Debits, long Credits)> Funds { get; } = [];
    /// <summary>Per facility, all funds together: results' fund payments against the ledger's payable_facility credits.</summary>
    public List<(string Facility, long Results, long Ledger)> Facilities { get; } = [];
    public (long Results, long Ledger) PersonalShare { get; set; }
    public List<(long RunId, long Debits, long Credits)> Runs { get; } = [];
    public List<string> Differences { get; } = [];
    public bool Balanced => Differences.Count == 0;

    /// <summary>Claims staged for the batch (each must have exactly one result).</summary>
    public long Staged { get; set; }

    /// <summary>Claim rows of the batch rejected at load (each counted by a run as quarantined).</summary>
    public long LoadRejects { get; set; }

    /// <summary>Claim rows refused at load because the batch was sealed (not loaded; load them again).</summary>
    public long Refused { get; set; }

    /// <summary>Results of the batch superseded by a corrected claim's result (history, not a second result).</summary>
    public long Superseded { get; set; }

    /// <summary>Claim rows of any load with no readable batch, named (first 20) and counted.</summary>
    public List<string> Unbatched { get; } = [];

    public long UnbatchedCount { get; set; }

    /// <summary>Finished runs of the batch whose seal was checked.</summary>
    public int SealedRuns { get; set; }

    /// <summary>
    /// Aligned sections: per fund, per facility (one line each, all funds), personal share, per run trial balance; a
    /// line that disagrees ends with DIFFERENCE. The differences themselves are not included (the CLI prints them to stderr).
    /// </summary>
    public string Format()
    {
        var sb = new StringBuilder();
        var ic = CultureInfo.InvariantCulture;
        int w = Math.Max(16, Facilities.Count == 0 ? 0 : Facilities.Max(f => f.Facility.Length) + 2);
        const int M = 16;
        sb.Append(ic, $"reconcile batch {BatchId}\n");
        sb.Append(ic, $"  {"fund".PadRight(w)}{"results",M}{"ledger debit",M}{"ledger credit",M}\n");
        foreach (var f in Funds)
        {
            sb.Append(ic, $"  {f.Fund.PadRight(w)}{Y(f.Results),M}{Y(f.Debits),M}{Y(f.Credits),M}{Mark(f.Results == f.Debits && f.Results == f.Credits)}\n");
        }
        sb.Append(ic, $"  {$"facility ({Facilities.Count})".PadRight(w)}{"results",M}{"ledger payable",M}\n");
        foreach (var f in Facilities)
        {
            sb.Append(ic, $"  {f.Facility.PadRight(w)}{Y(f.Results),M}{Y(f.Ledger),M}{Mark(f.Results == f.Ledger)}\n");
        }
        sb.Append(ic, $"  {"personal share".PadRight(w)}{Y(PersonalShare.Results),M}{Y(PersonalShare.Ledger),M}{Mark(PersonalShare.Results == PersonalShare.Ledger)}\n");
        sb.Append(ic, $"  seals: {SealedRuns} finished runs checked against their seals\n");
        sb.Append(ic, $"  completeness: {Staged} staged claims, {LoadRejects} rows rejected at load, {Superseded} results superseded by a corrected claim; {Refused} rows refused (batch sealed, not loaded)\n");
        if (UnbatchedCount > 0)
        {
            sb.Append(ic, $"  rows with no readable batch (any load): {UnbatchedCount}\n");
            foreach (var u in Unbatched) sb.Append(ic, $"    {u}\n");
        }
        sb.Append(ic, $"  {"run".PadRight(w)}{"",M}{"debits",M}{"credits",M}\n");
        foreach (var r in Runs)
        {
            sb.Append(ic, $"  {r.RunId.ToString(ic).PadRight(w)}{"",M}{Y(r.Debits),M}{Y(r.Credits),M}{Mark(r.Debits == r.Credits)}\n");
        }
        return sb.ToString();
    }

    private static string Y(long fen) => FenMath.FormatYuan(fen);

    private static string Mark(bool ok) => ok ? "" : "  DIFFERENCE";
}
