using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Subsidy;
using BatchSettle.Data.Migrations;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace BatchSettle.Data.Subsidies;

/// <summary>
/// Posts the premium subsidies (POLICY.md §11, <see cref="PremiumSubsidy"/>) of one region-year: every resident
/// person-year in staging_person with a hardship identity and no premium_subsidy row yet is computed by Core, and those
/// with an amount get a premium_subsidy row and a balanced ledger entry (<see cref="SubsidyLedger"/>), all in one
/// transaction under an advisory lock on the region-year. Exactly once per person-year: the (psn_no, year) key, the
/// NOT EXISTS filter and the lock; a rerun posts nothing new and says so.
/// </summary>
public sealed class SubsidyPoster(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>pg_advisory_xact_lock first key: "PS01" as ASCII.</summary>
    internal const int LockClass = 0x50533031;

    /// <summary>How many unreadable rows the report names.</summary>
    private const int MaxNamed = 20;

    public async Task<SubsidyReport> PostAsync(Region region, int year, string requestedBy = "", CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(requestedBy);
        string admdvs = Codes.Admdvs(region);
        var report = new SubsidyReport(admdvs, year, SubsidyLedger.BatchId(admdvs, year));
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@c, @k)",
            new { c = LockClass, k = (int)region * 10_000 + year }, tx, cancellationToken: ct));
        var policy = new PolicySet(await PolicyRows.ReadAllAsync(conn, ct));
        report.AlreadyPosted = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(DISTINCT psn_no) FROM premium_subsidy WHERE admdvs = @admdvs AND year = @year", new { admdvs, year }, tx, cancellationToken: ct));

        var rows = new List<Posting>();
        await foreach (var (psnNo, paidDate, hardship) in CandidatesAsync(conn, admdvs, year, ct))
        {
            report.Considered++;
            if (!Codes.TryHardship(hardship, out var starts, out string? error))
            {
                report.BadInput++;
                if (report.BadRows.Count < MaxNamed) report.BadRows.Add($"{psnNo} {year}: hardship: {error}");
                continue;
            }
            var person = new PersonIn { PsnNo = psnNo, Region = region, InsuType = InsuType.Resident, Year = year, PaidDate = paidDate, Hardship = starts };
            var onDate = SubsidyLedger.IdentityDate(year, paidDate);
            var r = PremiumSubsidy.Compute(policy, person, onDate);
            if (r.Missing is not null)
            {
                report.MissingParam++;
                report.MissingReasons[r.Missing] = report.MissingReasons.GetValueOrDefault(r.Missing) + 1;
                continue;
            }
            if (r.Amount <= 0)
            {
                report.NoSubsidy++;
                continue;
            }
            // Compute took the premium from ps.premium (it was given none); keep the number with the row.
            long premium = policy.Find(r.PremiumParamId)?.Value
                ?? throw new InvalidOperationException($"premium parameter {r.PremiumParamId} vanished");
            rows.Add(new Posting(psnNo, onDate, r, premium, 1));
            SubsidyReport.Add(report.New, r.Category.ToString(), r.Amount, r.CityAmount, r.CountyAmount);
            if (r.Assumed) report.PostedAssumed++;
        }
        report.Posted = rows.Count;

        if (rows.Count > 0)
        {
            var postedAt = time.GetUtcNow();
            report.RunId = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO subsidy_run (admdvs, year, batch_id, requested_by, posted_at, considered, posted, already_posted,
                                         no_subsidy, missing_param, bad_input, total)
                VALUES (@admdvs, @year, @batch, @requestedBy, @postedAt, @Considered, @Posted, @AlreadyPosted,
                        @NoSubsidy, @MissingParam, @BadInput, @total)
                RETURNING run_id
                """,
                new
                {
                    admdvs, year, batch = report.BatchId, requestedBy, postedAt, report.Considered, report.Posted,
                    report.AlreadyPosted, report.NoSubsidy, report.MissingParam, report.BadInput,
                    total = report.New.Sum(c => c.Amount),
                }, tx, cancellationToken: ct));
            await WriteAsync(conn, tx, rows, admdvs, year, report.RunId.Value, report.BatchId, postedAt, ct);
            await Infrastructure.PostingSeal.SealAsync(conn, tx, Infrastructure.PostingSeal.SubsidyRun, report.RunId.Value, admdvs, year, postedAt, ct);
        }
        await OnBooksAsync(conn, tx, report, ct);
        report.Split |= rows.Exists(r => r.Result.SplitParamId != 0);
        await tx.CommitAsync(ct);
        return report;
    }

    /// <summary>The region-year's postings in force (a reversed posting is off the books), per category.</summary>
    internal static async Task OnBooksAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SubsidyReport report, CancellationToken ct)
    {
        var args = new { admdvs = report.Admdvs, year = report.Year };
        report.OnBooks.AddRange(await conn.QueryAsync<CategoryTotal>(new CommandDefinition(
            """
            SELECT category, count(*) AS Count, sum(amount)::bigint AS Amount, sum(city_amount)::bigint AS City,
                   sum(county_amount)::bigint AS County
            FROM premium_subsidy s WHERE admdvs = @admdvs AND year = @year
              AND NOT EXISTS (SELECT 1 FROM premium_subsidy_reversal v WHERE v.original_entry_id = s.entry_id)
            GROUP BY category ORDER BY category
            """, args, tx, cancellationToken: ct)));
        report.Split = await conn.ExecuteScalarAsync<bool?>(new CommandDefinition(
            "SELECT bool_or(split_param_id IS NOT NULL) FROM premium_subsidy WHERE admdvs = @admdvs AND year = @year",
            args, tx, cancellationToken: ct)) ?? false;
    }

    /// <summary>Resident person-years of the region with a hardship cell and no subsidy posted, by binary COPY OUT.</summary>
    private static async IAsyncEnumerable<(string PsnNo, DateOnly PaidDate, string Hardship)> CandidatesAsync(
        NpgsqlConnection conn, string admdvs, int year, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // COPY takes no parameters: admdvs is one of two fixed codes (Codes.Admdvs) and year an int.
        await using var exp = await conn.BeginBinaryExportAsync(
            $"""
            COPY (SELECT p.psn_no, p.paid_date, p.hardship FROM staging_person p
                  WHERE p.year = {year.ToString(System.Globalization.CultureInfo.InvariantCulture)} AND p.admdvs = '{admdvs}'
                    AND p.insutype = '390' AND p.hardship IS NOT NULL AND btrim(p.hardship) <> ''
                    AND NOT EXISTS (SELECT 1 FROM premium_subsidy s WHERE s.psn_no = p.psn_no AND s.year = p.year)
                  ORDER BY p.psn_no COLLATE "C")
            TO STDOUT (FORMAT BINARY)
            """, ct);
        while (await exp.StartRowAsync(ct) >= 0)
        {
            string psn = await exp.ReadAsync<string>(NpgsqlDbType.Text, ct);
            var paid = await exp.ReadAsync<DateOnly>(NpgsqlDbType.Date, ct);
            string hardship = await exp.ReadAsync<string>(NpgsqlDbType.Text, ct);
            yield return (psn, paid, hardship);
        }
    }

    /// <summary>
    /// Binary COPY of the computed rows into a temp table, then one INSERT ... SELECT into premium_subsidy (entry ids
    /// from ledger_entry_seq in psn_no order) and one INSERT ... SELECT of their ledger lines.
    /// </summary>
    internal static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, List<Posting> rows, string admdvs, int year,
        long runId, string batchId, DateTimeOffset postedAt, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition(
            """
            CREATE TEMP TABLE tmp_subsidy (psn_no text, category text, identity_date date, premium bigint, pct_bp int,
                amount bigint, city_amount bigint, county_amount bigint, pct_param_id int, premium_param_id int,
                split_param_id int, assumed_params bool, posting_no int) ON COMMIT DROP
            """, transaction: tx, cancellationToken: ct));
        await using (var imp = await conn.BeginBinaryImportAsync(
            """
            COPY tmp_subsidy (psn_no, category, identity_date, premium, pct_bp, amount, city_amount, county_amount,
                pct_param_id, premium_param_id, split_param_id, assumed_params, posting_no) FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            foreach (var p in rows)
            {
                var r = p.Result;
                await imp.StartRowAsync(ct);
                await imp.WriteAsync(p.PsnNo, NpgsqlDbType.Text, ct);
                await imp.WriteAsync(r.Category.ToString(), NpgsqlDbType.Text, ct);
                await imp.WriteAsync(p.IdentityDate, NpgsqlDbType.Date, ct);
                await imp.WriteAsync(p.Premium, NpgsqlDbType.Bigint, ct);
                await imp.WriteAsync(r.PctBp, NpgsqlDbType.Integer, ct);
                await imp.WriteAsync(r.Amount, NpgsqlDbType.Bigint, ct);
                await imp.WriteAsync(r.CityAmount, NpgsqlDbType.Bigint, ct);
                await imp.WriteAsync(r.CountyAmount, NpgsqlDbType.Bigint, ct);
                await imp.WriteAsync(r.PctParamId, NpgsqlDbType.Integer, ct);
                await WriteIdAsync(imp, r.PremiumParamId, ct);
                await WriteIdAsync(imp, r.SplitParamId, ct);
                await imp.WriteAsync(r.Assumed, NpgsqlDbType.Boolean, ct);
                await imp.WriteAsync(p.PostingNo, NpgsqlDbType.Integer, ct);
            }
            await imp.CompleteAsync(ct);
        }
        int inserted = await conn.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO premium_subsidy (psn_no, year, admdvs, category, rule_id, identity_date, premium, pct_bp, amount,
                city_amount, county_amount, pct_param_id, premium_param_id, split_param_id, assumed_params, entry_id, run_id,
                posted_at, posting_no)
            SELECT t.psn_no, @year, @admdvs, t.category, @rule, t.identity_date, t.premium, t.pct_bp, t.amount,
                   t.city_amount, t.county_amount, t.pct_param_id, t.premium_param_id, t.split_param_id, t.assumed_params,
                   nextval('ledger_entry_seq'), @runId, @postedAt, t.posting_no
            FROM (SELECT * FROM tmp_subsidy ORDER BY psn_no COLLATE "C") t
            """, new { year, admdvs, rule = PremiumSubsidy.RuleId, runId, postedAt }, tx, cancellationToken: ct));
        if (inserted != rows.Count)
        {
            throw new InvalidOperationException($"premium_subsidy: inserted {inserted} rows of {rows.Count}");
        }
        await conn.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO ledger_line (entry_id, line_no, setl_id, run_id, batch_id, kind, posted_at, account, fund_pay_type,
                fixmedins_code, debit, credit)
            SELECT s.entry_id, l.line_no, NULL, s.run_id, @batchId, '{SubsidyLedger.Kind}', s.posted_at, l.account,
                   '{SubsidyLedger.FundPayType}', NULL, l.debit, l.credit
            FROM premium_subsidy s
            CROSS JOIN LATERAL (
                SELECT 1 AS line_no, '{SubsidyLedger.Expense}' AS account, s.amount AS debit, 0::bigint AS credit
                 WHERE s.split_param_id IS NULL
                UNION ALL
                SELECT 1, '{SubsidyLedger.ExpenseCity}', s.city_amount, 0 WHERE s.split_param_id IS NOT NULL AND s.city_amount <> 0
                UNION ALL
                SELECT 2, '{SubsidyLedger.ExpenseCounty}', s.county_amount, 0 WHERE s.split_param_id IS NOT NULL AND s.county_amount <> 0
                UNION ALL
                SELECT CASE WHEN s.split_param_id IS NULL THEN 2 ELSE 3 END, '{SubsidyLedger.PremiumReceivable}', 0, s.amount
            ) l
            WHERE s.run_id = @runId
            """, new { batchId, runId }, tx, cancellationToken: ct));
    }

    private static Task WriteIdAsync(NpgsqlBinaryImporter imp, int id, CancellationToken ct) =>
        id == 0 ? imp.WriteNullAsync(ct) : imp.WriteAsync(id, NpgsqlDbType.Integer, ct);

    /// <summary>One person-year to post; <paramref name="PostingNo"/> 1, or the next after a reversed posting (a repost).</summary>
    internal sealed record Posting(string PsnNo, DateOnly IdentityDate, PremiumSubsidyResult Result, long Premium, int PostingNo);
}
