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
        return report;
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
