using System.Globalization;
using System.Text;
using BatchSettle.Core.Money;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Finance;

public sealed record PeriodInfo(string Admdvs, string Period, string Status, DateTimeOffset? ClosedAt, string? ClosedBy);

/// <summary>The outcome of a close: closed, already closed, or refused with the reasons.</summary>
public sealed record CloseResult(string Admdvs, string Period, bool Closed, bool AlreadyClosed, IReadOnlyList<string> Problems,
    int StatementLines, int ClosingVouchers)
{
    public string Format()
    {
        var sb = new StringBuilder();
        if (AlreadyClosed) sb.Append(CultureInfo.InvariantCulture, $"period {Admdvs} {Period} is already closed; nothing changed\n");
        else if (Closed)
            sb.Append(CultureInfo.InvariantCulture, $"period {Admdvs} {Period} closed: {StatementLines} statement lines issued, {ClosingVouchers} closing vouchers (结转) posted\n");
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"period {Admdvs} {Period} NOT closed ({Problems.Count} problems):\n");
            foreach (var p in Problems) sb.Append("  ").Append(p).Append('\n');
        }
        return sb.ToString();
    }
}

/// <summary>
/// Accounting periods (region, YYYY-MM): listing, and closing (结账). A close checks that every run of the period's
/// batch is posted, every fund book balances in the period, the sub-ledger balances and statements = results =
/// sub-ledger per facility and fund; then it issues the statements, posts each book's closing voucher (结转 of income
/// and expenditure to 3001, 财会〔2017〕28号 3001) and marks the period closed, all in one transaction; the attempt is
/// audited either way. From then on the database refuses any posting into the period (migration 060's triggers).
/// </summary>
public sealed class Periods(NpgsqlDataSource dataSource, TimeProvider time)
{
    public async Task<List<PeriodInfo>> ListAsync(string? admdvs = null, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string A, string P, string S, DateTime? At, string? By)>(new CommandDefinition(
            "SELECT admdvs, period, status, closed_at, closed_by FROM accounting_period WHERE @admdvs::text IS NULL OR admdvs = @admdvs ORDER BY admdvs, period",
            new { admdvs }, cancellationToken: ct));
        return rows.Select(r => new PeriodInfo(r.A, r.P, r.S, r.At is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null, r.By)).ToList();
    }

    /// <summary>The period's state; throws <see cref="FinanceException"/> when it does not exist.</summary>
    public async Task<PeriodInfo> RequireAsync(string admdvs, string period, CancellationToken ct = default)
    {
        FundBooks.CheckAdmdvs(admdvs);
        FundBooks.PeriodStart(period);
        var p = (await ListAsync(admdvs, ct)).FirstOrDefault(x => x.Period == period);
        return p ?? throw new FinanceException($"accounting period {admdvs} {period} does not exist (nothing has been posted in it)");
    }

    /// <summary>Opens a period explicitly (e.g. for payments before any batch of the month); no-op when it exists.</summary>
    public async Task OpenAsync(string admdvs, string period, CancellationToken ct = default)
    {
        FundBooks.CheckAdmdvs(admdvs);
        FundBooks.PeriodStart(period);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("INSERT INTO accounting_period (admdvs, period) VALUES (@admdvs, @period) ON CONFLICT DO NOTHING",
            new { admdvs, period }, cancellationToken: ct));
    }

    public async Task<CloseResult> CloseAsync(string admdvs, string period, string actor, CancellationToken ct = default)
    {
        await RequireAsync(admdvs, period, ct);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var status = await conn.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT status FROM accounting_period WHERE admdvs = @admdvs AND period = @period FOR UPDATE", new { admdvs, period }, tx, cancellationToken: ct));
        if (status == "closed") return new CloseResult(admdvs, period, false, true, [], 0, 0);

        var problems = new List<string>();
        await CheckRunsAsync(conn, tx, admdvs, period, problems, ct);
        await CheckBooksAsync(conn, tx, admdvs, period, problems, ct);
        var statements = await CheckStatementsAsync(conn, tx, admdvs, period, problems, ct);
        if (problems.Count > 0)
        {
            await tx.RollbackAsync(ct);
            await AuditAsync(actor, admdvs, period, "refused", string.Join("; ", problems.Take(20)), ct);
            return new CloseResult(admdvs, period, false, false, problems, 0, 0);
        }

        var now = time.GetUtcNow();
        foreach (var s in statements)
        {
            await conn.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO facility_statement (admdvs, clearing_month, fixmedins_code, fund_pay_type, med_group, claims, reversals, medfee_sumamt,
                    fund_amount, reversal_amount, psn_part_amt, refused_claims, refused_amount, quarantined_claims, quarantined_amount,
                    deposit_bp, deposit_param_id, deposit, advance_offset, net_to_pay, issued_at)
                VALUES (@Admdvs, @ClearingMonth, @Facility, @FundPayType, @MedGroup, @Claims, @Reversals, @MedfeeSumamt, @FundAmount, @ReversalAmount,
                    @PsnPartAmt, @RefusedClaims, @RefusedAmount, @QuarantinedClaims, @QuarantinedAmount, @DepositBp, @DepositParamId, @Deposit,
                    @AdvanceOffset, @NetToPay, @now)
                """, new { s.Admdvs, s.ClearingMonth, s.Facility, s.FundPayType, s.MedGroup, s.Claims, s.Reversals, s.MedfeeSumamt, s.FundAmount,
                    s.ReversalAmount, s.PsnPartAmt, s.RefusedClaims, s.RefusedAmount, s.QuarantinedClaims, s.QuarantinedAmount, s.DepositBp,
                    s.DepositParamId, s.Deposit, s.AdvanceOffset, s.NetToPay, now }, tx, cancellationToken: ct));
        }
        int closing = await PostClosingVouchersAsync(conn, tx, admdvs, period, now, actor, ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "UPDATE accounting_period SET status = 'closed', closed_at = @now, closed_by = @actor WHERE admdvs = @admdvs AND period = @period",
            new { now, actor, admdvs, period }, tx, cancellationToken: ct));
        await InsertAuditAsync(conn, tx, actor, admdvs, period, "closed", $"{statements.Count} statement lines, {closing} closing vouchers", ct);
        await tx.CommitAsync(ct);
        return new CloseResult(admdvs, period, true, false, [], statements.Count, closing);
    }

    private static async Task CheckRunsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string admdvs, string period, List<string> problems, CancellationToken ct)
    {
        string batchId = admdvs + "-" + period;
        var runs = (await conn.QueryAsync<(long Id, string Status)>(new CommandDefinition(
            "SELECT run_id, status FROM run WHERE batch_id = @batchId ORDER BY run_id", new { batchId }, tx, cancellationToken: ct))).ToList();
        foreach (var r in runs.Where(r => r.Status is "queued" or "running" or "interrupted"))
            problems.Add($"run {r.Id} of batch {batchId} is {r.Status}: wait for it to finish");
        if (runs.Count > 0 && runs[^1].Status is "failed" or "cancelled")
            problems.Add($"the last run {runs[^1].Id} of batch {batchId} {runs[^1].Status}: run the batch again before closing");
        bool staged = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM staging_claim WHERE batch_id = @batchId)", new { batchId }, tx, cancellationToken: ct));
        if (staged && runs.Count == 0) problems.Add($"batch {batchId} is loaded but has never been run");
    }

    private static async Task CheckBooksAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string admdvs, string period, List<string> problems, CancellationToken ct)
    {
        var books = await conn.QueryAsync<(string Book, long D, long C)>(new CommandDefinition(
            """
            SELECT v.book_code, COALESCE(sum(l.debit), 0)::bigint, COALESCE(sum(l.credit), 0)::bigint
            FROM voucher v JOIN voucher_line l ON l.voucher_id = v.voucher_id
            WHERE v.admdvs = @admdvs AND v.period = @period GROUP BY 1
            """, new { admdvs, period }, tx, cancellationToken: ct));
        foreach (var b in books.Where(b => b.D != b.C))
            problems.Add($"fund book {b.Book} does not balance in {period}: debits {FenMath.FormatYuan(b.D)}, credits {FenMath.FormatYuan(b.C)}");
        var entries = await conn.QueryAsync<(long Entry, long D, long C)>(new CommandDefinition(
            """
            SELECT entry_id, sum(debit)::bigint, sum(credit)::bigint FROM ledger_line
            WHERE acct_admdvs = @admdvs AND acct_period = @period GROUP BY entry_id HAVING sum(debit) <> sum(credit) LIMIT 20
            """, new { admdvs, period }, tx, cancellationToken: ct));
        foreach (var e in entries)
            problems.Add($"sub-ledger entry {e.Entry} does not balance: debits {FenMath.FormatYuan(e.D)}, credits {FenMath.FormatYuan(e.C)}");
    }

    /// <summary>statements = results = sub-ledger, per facility and fund_pay_type.</summary>
    private static async Task<List<StatementLine>> CheckStatementsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string admdvs, string period,
        List<string> problems, CancellationToken ct)
    {
        List<StatementLine> statements;
        try
        {
            statements = await Statements.BuildAsync(conn, tx, admdvs, period, ct);
        }
        catch (FinanceException e)
        {
            problems.Add(e.Message);
            return [];
        }
        var stmt = statements.GroupBy(s => (s.Facility, s.FundPayType)).ToDictionary(g => g.Key, g => g.Sum(x => x.FundAmount));
        var results = await Reconciliation.ResultsByFacilityFundAsync(conn, tx, admdvs + "-" + period, ct);
        var sub = await Reconciliation.SubLedgerByFacilityFundAsync(conn, tx, admdvs, period, ct);
        foreach (var key in stmt.Keys.Union(results.Keys).Union(sub.Keys).OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal))
        {
            stmt.TryGetValue(key, out long s);
            results.TryGetValue(key, out long r);
            sub.TryGetValue(key, out long l);
            if (s != r || r != l)
                problems.Add($"facility {key.Item1} fund {key.Item2}: statements {FenMath.FormatYuan(s)}, results {FenMath.FormatYuan(r)}, sub-ledger {FenMath.FormatYuan(l)}");
        }
        return statements;
    }

    private static async Task<int> PostClosingVouchersAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string admdvs, string period,
        DateTimeOffset now, string actor, CancellationToken ct)
    {
        var rows = (await conn.QueryAsync<(string Book, string Account, string Kind, long D, long C)>(new CommandDefinition(
            """
            SELECT v.book_code, l.account_code, c.kind, sum(l.debit)::bigint, sum(l.credit)::bigint
            FROM voucher v JOIN voucher_line l ON l.voucher_id = v.voucher_id
            JOIN account_chart c ON c.code = l.account_code AND c.effective_from <= v.voucher_date AND (c.effective_to IS NULL OR c.effective_to >= v.voucher_date)
            WHERE v.admdvs = @admdvs AND v.period = @period AND c.kind IN ('income', 'expense')
            GROUP BY 1, 2, 3 ORDER BY 1, 2
            """, new { admdvs, period }, tx, cancellationToken: ct))).ToList();
        int n = 0;
        foreach (var book in rows.GroupBy(r => r.Book))
        {
            var lines = new List<VoucherLineIn>();
            long toBalance = 0;
            foreach (var r in book)
            {
                long net = r.D - r.C;
                if (net == 0) continue;
                // Income (credit-normal): debit its net credit; expense: credit its net debit (negative = red ink).
                if (r.Kind == "income") lines.Add(new VoucherLineIn(r.Account, -net, 0));
                else lines.Add(new VoucherLineIn(r.Account, 0, net));
                toBalance += net;
            }
            if (lines.Count == 0) continue;
            // The difference: income − expense = −Σnet goes to 3001 (credit a surplus, debit a deficit).
            if (toBalance > 0) lines.Add(new VoucherLineIn(FundBooks.FundBalance, toBalance, 0));
            else if (toBalance < 0) lines.Add(new VoucherLineIn(FundBooks.FundBalance, 0, -toBalance));
            await Vouchers.PostAsync(conn, tx, book.Key, FundBooks.PeriodEnd(period), "closing",
                $"{period} 结转本期收支至一般基金结余", lines, now, actor, ct: ct);
            n++;
        }
        return n;
    }

    private async Task AuditAsync(string actor, string admdvs, string period, string outcome, string detail, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await InsertAuditAsync(conn, tx, actor, admdvs, period, outcome, detail, ct);
        await tx.CommitAsync(ct);
    }

    private async Task InsertAuditAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string actor, string admdvs, string period, string outcome,
        string detail, CancellationToken ct) =>
        await conn.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_action (at, actor, role, action, target, outcome, detail) VALUES (@at, @actor, 'finance', 'period close', @target, @outcome, @detail)",
            new { at = time.GetUtcNow(), actor, target = admdvs + " " + period, outcome, detail }, tx, cancellationToken: ct));
}
