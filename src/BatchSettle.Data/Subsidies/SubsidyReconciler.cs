using System.Globalization;
using System.Text;
using BatchSettle.Core.Money;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Subsidies;

/// <summary>
/// Checks a region-year's premium subsidies against the ledger to the fen (POLICY.md §10 and §11): per category the
/// premium_subsidy amounts, net of their red-ink reversals (premium_subsidy_reversal, negative), against the entries'
/// debits and credits; per entry its lines against its row (split lines
/// against city / county); every subsidy line of the region-year belongs to a row and vice versa; and the trial balance
/// (debits = credits) per entry and per subsidy run.
/// </summary>
public sealed class SubsidyReconciler(NpgsqlDataSource dataSource)
{
    public async Task<SubsidyReconcileReport> ReconcileAsync(string admdvs, int year, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        string batchId = SubsidyLedger.BatchId(admdvs, year);
        var report = new SubsidyReconcileReport(admdvs, year, batchId);
        var p = new
        {
            admdvs, year, batchId, kind = SubsidyLedger.Kind, reversalKind = SubsidyLedger.ReversalKind, fund = SubsidyLedger.FundPayType,
            expense = SubsidyLedger.Expense, city = SubsidyLedger.ExpenseCity, county = SubsidyLedger.ExpenseCounty,
            receivable = SubsidyLedger.PremiumReceivable,
        };

        // Per category: the table's amounts against the ledger lines of the rows' entries.
        report.Categories.AddRange(await conn.QueryAsync<SubsidyCategoryCheck>(new CommandDefinition(
            """
            WITH s AS (
                SELECT psn_no, year, category, amount, city_amount, county_amount, split_param_id, entry_id, @kind AS kind, 1 AS n
                FROM premium_subsidy WHERE admdvs = @admdvs AND year = @year
                UNION ALL
                SELECT v.psn_no, v.year, v.category, v.amount, v.city_amount, v.county_amount, p.split_param_id, v.entry_id,
                       @reversalKind, -1
                FROM premium_subsidy_reversal v JOIN premium_subsidy p ON p.entry_id = v.original_entry_id
                WHERE v.admdvs = @admdvs AND v.year = @year),
                 l AS (SELECT entry_id, sum(debit)::bigint AS debits,
                              COALESCE(sum(credit) FILTER (WHERE account = @receivable), 0)::bigint AS receivable,
                              sum(credit)::bigint AS credits
                       FROM ledger_line WHERE batch_id = @batchId GROUP BY entry_id)
            SELECT s.category AS Category, sum(s.n)::bigint AS Count, sum(s.amount)::bigint AS Amount,
                   COALESCE(sum(l.debits), 0)::bigint AS Debits, COALESCE(sum(l.credits), 0)::bigint AS Credits
            FROM s LEFT JOIN l ON l.entry_id = s.entry_id
            GROUP BY s.category ORDER BY s.category
            """, p, cancellationToken: ct)));
        foreach (var c in report.Categories)
        {
            if (c.Amount != c.Debits || c.Amount != c.Credits)
            {
                report.Differences.Add($"category {c.Category}: subsidies {FenMath.FormatYuan(c.Amount)}, ledger debits {FenMath.FormatYuan(c.Debits)}, credits {FenMath.FormatYuan(c.Credits)}");
            }
        }

        // Per entry: each row's lines must be exactly what SubsidyLedger posts for it.
        report.Differences.AddRange(await conn.QueryAsync<string>(new CommandDefinition(
            """
            WITH s AS (
                SELECT psn_no, year, category, amount, city_amount, county_amount, split_param_id, entry_id, @kind AS kind, 1 AS n
                FROM premium_subsidy WHERE admdvs = @admdvs AND year = @year
                UNION ALL
                SELECT v.psn_no, v.year, v.category, v.amount, v.city_amount, v.county_amount, p.split_param_id, v.entry_id,
                       @reversalKind, -1
                FROM premium_subsidy_reversal v JOIN premium_subsidy p ON p.entry_id = v.original_entry_id
                WHERE v.admdvs = @admdvs AND v.year = @year),
                 l AS (SELECT entry_id,
                              COALESCE(sum(debit) FILTER (WHERE account = @expense), 0) AS expense,
                              COALESCE(sum(debit) FILTER (WHERE account = @city), 0) AS city,
                              COALESCE(sum(debit) FILTER (WHERE account = @county), 0) AS county,
                              COALESCE(sum(credit) FILTER (WHERE account = @receivable), 0) AS receivable,
                              sum(debit) AS debits, sum(credit) AS credits,
                              bool_and(fund_pay_type = @fund) AS fund_ok, min(kind) AS kind_min, max(kind) AS kind_max
                       FROM ledger_line WHERE batch_id = @batchId GROUP BY entry_id),
                 j AS (SELECT s.*, l.entry_id AS l_entry, l.expense, l.city, l.county, l.receivable, l.debits, l.credits,
                              (l.fund_ok AND l.kind_min = s.kind AND l.kind_max = s.kind) AS shape_ok
                       FROM s LEFT JOIN l ON l.entry_id = s.entry_id)
            SELECT CASE WHEN s.n < 0 THEN 'reversal of subsidy ' ELSE 'subsidy ' END || s.psn_no || ' ' || s.year || ' (entry ' || s.entry_id || '): ' ||
                   CASE WHEN s.l_entry IS NULL THEN 'no ledger entry'
                        ELSE 'amount ' || s.amount || ' city ' || s.city_amount || ' county ' || s.county_amount ||
                             ' fen; ledger expense ' || s.expense || ' city ' || s.city || ' county ' || s.county ||
                             ' receivable ' || s.receivable || ' fen' ||
                             CASE WHEN s.shape_ok THEN '' ELSE ' (a line of another kind or fund)' END END
            FROM j s
            WHERE (s.l_entry IS NULL OR NOT s.shape_ok
                   OR s.receivable <> s.amount OR s.credits <> s.amount OR s.debits <> s.amount
                   OR (s.split_param_id IS NULL AND s.expense <> s.amount)
                   OR (s.split_param_id IS NOT NULL AND (s.city <> s.city_amount OR s.county <> s.county_amount)))
            ORDER BY s.psn_no COLLATE "C" LIMIT 100
            """, p, cancellationToken: ct)));

        // Every line of the region-year's subsidy batch belongs to a posted row, and entries balance.
        report.Differences.AddRange(await conn.QueryAsync<string>(new CommandDefinition(
            """
            SELECT 'ledger entry ' || l.entry_id || ' in ' || @batchId || ' has no premium_subsidy or premium_subsidy_reversal row'
            FROM ledger_line l WHERE l.batch_id = @batchId
              AND NOT EXISTS (SELECT 1 FROM premium_subsidy s WHERE s.entry_id = l.entry_id AND s.admdvs = @admdvs AND s.year = @year)
              AND NOT EXISTS (SELECT 1 FROM premium_subsidy_reversal v WHERE v.entry_id = l.entry_id AND v.admdvs = @admdvs AND v.year = @year)
            GROUP BY l.entry_id
            UNION ALL
            SELECT 'entry ' || entry_id || ' unbalanced: debits ' || sum(debit) || ' fen, credits ' || sum(credit) || ' fen'
            FROM ledger_line WHERE batch_id = @batchId GROUP BY entry_id HAVING sum(debit) <> sum(credit)
            LIMIT 100
            """, p, cancellationToken: ct)));

        foreach (var r in await conn.QueryAsync<(long RunId, long Debits, long Credits)>(new CommandDefinition(
            """
            SELECT run_id, sum(debit)::bigint, sum(credit)::bigint FROM ledger_line WHERE batch_id = @batchId
            GROUP BY run_id ORDER BY run_id
            """, p, cancellationToken: ct)))
        {
            report.Runs.Add(r);
            if (r.Debits != r.Credits)
            {
                report.Differences.Add($"run {r.RunId} trial balance: debits {FenMath.FormatYuan(r.Debits)} <> credits {FenMath.FormatYuan(r.Credits)}");
            }
        }

        // Tamper evidence (migration 077): every subsidy run, reversal and assistance application of the region-year
        // against its seal.
        var (sealDifferences, sealedCount) = await Infrastructure.PostingSeal.VerifyAsync(conn, admdvs, year, ct);
        report.Differences.AddRange(sealDifferences);
        report.SealedPostings = sealedCount;
        return report;
    }
}

/// <summary>One category of <see cref="SubsidyReconcileReport"/>: the table's amount against its entries' lines.</summary>
public sealed record SubsidyCategoryCheck(string Category, long Count, long Amount, long Debits, long Credits);

/// <summary>The outcome of <see cref="SubsidyReconciler.ReconcileAsync"/>; <see cref="Differences"/> empty = agrees.</summary>
public sealed class SubsidyReconcileReport(string admdvs, int year, string batchId)
{
    public string Admdvs { get; } = admdvs;
    public int Year { get; } = year;
    public string BatchId { get; } = batchId;
    public List<SubsidyCategoryCheck> Categories { get; } = [];
    public List<(long RunId, long Debits, long Credits)> Runs { get; } = [];
    public List<string> Differences { get; } = [];
    public bool Balanced => Differences.Count == 0;

    /// <summary>Postings of the region-year (subsidy runs, reversals, assistance applications) whose seal was checked.</summary>
    public int SealedPostings { get; set; }

    /// <summary>Aligned per-category and per-run lines (differences are not included: the CLI prints them to stderr).</summary>
    public string Format()
    {
        var sb = new StringBuilder();
        var ic = CultureInfo.InvariantCulture;
        sb.Append(ic, $"subsidies {Admdvs} {Year} (ledger batch {BatchId})\n");
        sb.Append(ic, $"  {"category",-10}{"persons",9}{"subsidies",16}{"ledger debit",16}{"ledger credit",16}\n");
        long n = 0, amt = 0, dr = 0, cr = 0;
        foreach (var c in Categories)
        {
            sb.Append(ic, $"  {c.Category,-10}{c.Count,9}{FenMath.FormatYuan(c.Amount),16}{FenMath.FormatYuan(c.Debits),16}{FenMath.FormatYuan(c.Credits),16}{Mark(c.Amount == c.Debits && c.Amount == c.Credits)}\n");
            n += c.Count; amt += c.Amount; dr += c.Debits; cr += c.Credits;
        }
        sb.Append(ic, $"  {"total",-10}{n,9}{FenMath.FormatYuan(amt),16}{FenMath.FormatYuan(dr),16}{FenMath.FormatYuan(cr),16}{Mark(amt == dr && amt == cr)}\n");
        foreach (var r in Runs)
        {
            sb.Append(ic, $"  run {r.RunId,-15}{"",9}{"",16}{FenMath.FormatYuan(r.Debits),16}{FenMath.FormatYuan(r.Credits),16}{Mark(r.Debits == r.Credits)}\n");
        }
        sb.Append(ic, $"  seals: {SealedPostings} postings (subsidy runs, reversals, assistance applications) checked against their seals\n");
        return sb.ToString();
    }

    private static string Mark(bool ok) => ok ? "" : "  DIFFERENCE";
}
