using System.Globalization;
using BatchSettle.Core.Money;
using BatchSettle.Data.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Finance;

/// <summary>One row of a payments file, parsed.</summary>
public sealed record PaymentIn(string Facility, string ClearingMonth, string FundPayType, long Amount, DateOnly PaidDate, string BankRef, int Line = 0);

/// <summary>What happened to one payment: recorded (maybe with an overpayment flagged) or refused with the reason.</summary>
public sealed record PaymentOutcome(int Line, string BankRef, bool Recorded, long Applied, long Overpaid, long? VoucherId, string Message);

/// <summary>Outstanding owed to a facility for one clearing month and fund, as of a date; money fen.</summary>
public sealed record OutstandingLine(string Facility, string FundPayType, string ClearingMonth, long Owed, long Cleared, long Outstanding,
    long DepositUndecided, long DueNow, int AgeDays);

/// <summary>
/// The settlement records' clearing side (FINANCE.md §2, §5.4): payments (拨付) from the expenditure account, advances
/// (预付金) and their offset, and the year-end clearing (年度清算) of the quality deposit. Each one that moves money posts
/// a voucher in the fund book in the same transaction as its facility_clearing / facility_advance row.
/// </summary>
public sealed class Clearing(NpgsqlDataSource dataSource, TimeProvider time)
{
    public const string PaymentsHeader = "fixmedins_code,period,fund_pay_type,amount,paid_date,bank_ref";

    /// <summary>Reads a payments file (CONTRACT-style CSV, amounts in yuan); a bad row is an outcome naming row and field.</summary>
    public static (List<PaymentIn> Rows, List<PaymentOutcome> Bad) ReadFile(string path)
    {
        var rows = new List<PaymentIn>();
        var bad = new List<PaymentOutcome>();
        var f = new List<string>();
        using var r = CsvReader.Open(path);
        if (!r.Read(f) || string.Join(",", f) != PaymentsHeader) throw new FinanceException($"{path}: header must be '{PaymentsHeader}'");
        while (r.Read(f))
        {
            string? Problem()
            {
                if (f.Count != 6) return $"expected 6 fields, found {f.Count}";
                if (f[0].Length == 0) return "field fixmedins_code: empty";
                try { FundBooks.PeriodStart(f[1]); } catch (FinanceException) { return $"field period: '{f[1]}' is not YYYY-MM"; }
                if (Array.IndexOf(FundBooks.FundPayTypes, f[2]) < 0) return $"field fund_pay_type: unknown '{f[2]}'";
                if (!FenMath.TryParseYuan(f[3], out long a) || a == 0) return $"field amount: '{f[3]}' is not a non-zero yuan amount with at most two decimals";
                if (!DateOnly.TryParseExact(f[4], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) return $"field paid_date: '{f[4]}' is not YYYY-MM-DD";
                if (f[5].Length == 0) return "field bank_ref: empty";
                return null;
            }
            if (Problem() is { } p)
            {
                bad.Add(new PaymentOutcome(r.Line, f.Count > 5 ? f[5] : "", false, 0, 0, null, $"{path} line {r.Line}: {p}"));
                continue;
            }
            if (!FenMath.TryParseYuan(f[3], out long amount)) continue;
            rows.Add(new PaymentIn(f[0], f[1], f[2], amount, DateOnly.ParseExact(f[4], "yyyy-MM-dd", CultureInfo.InvariantCulture), f[5], r.Line));
        }
        return (rows, bad);
    }

    /// <summary>Records payments, each in its own transaction: one refused row does not stop the others.</summary>
    public async Task<List<PaymentOutcome>> RecordPaymentsAsync(string admdvs, IEnumerable<PaymentIn> payments, string source, string by, CancellationToken ct = default)
    {
        FundBooks.CheckAdmdvs(admdvs);
        ArgumentNullException.ThrowIfNull(payments);
        var outcomes = new List<PaymentOutcome>();
        foreach (var p in payments)
        {
            try
            {
                outcomes.Add(await RecordPaymentAsync(admdvs, p, source, by, ct));
            }
            catch (FinanceException e)
            {
                outcomes.Add(new PaymentOutcome(p.Line, p.BankRef, false, 0, 0, null, e.Message));
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation)
            {
                outcomes.Add(new PaymentOutcome(p.Line, p.BankRef, false, 0, 0, null, $"line {p.Line}: bank reference {p.BankRef} is already recorded (duplicate refused)"));
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.ObjectNotInPrerequisiteState)
            {
                outcomes.Add(new PaymentOutcome(p.Line, p.BankRef, false, 0, 0, null, $"line {p.Line}: {e.MessageText}"));
            }
        }
        return outcomes;
    }

    public async Task<PaymentOutcome> RecordPaymentAsync(string admdvs, PaymentIn p, string source, string by, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(p);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await RequirePeriodAsync(conn, tx, admdvs, p.ClearingMonth, ct);
        await LockFacilityAsync(conn, tx, admdvs, p.Facility, ct);
        string? dup = await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT clearing_id::text FROM facility_clearing WHERE admdvs = @admdvs AND bank_ref = @BankRef", new { admdvs, p.BankRef }, tx, cancellationToken: ct));
        if (dup is not null) throw new FinanceException($"line {p.Line}: bank reference {p.BankRef} is already recorded (clearing {dup}); duplicate refused");
        var groups = await GroupOwedAsync(conn, tx, admdvs, p.Facility, p.ClearingMonth, p.FundPayType, ct);
        long owed = groups.Sum(g => g.Owed);
        if (owed == 0 && groups.Count == 0)
            throw new FinanceException($"line {p.Line}: nothing was settled for facility {p.Facility}, fund {p.FundPayType} in {admdvs} {p.ClearingMonth}");
        long cleared = await ClearedAsync(conn, tx, admdvs, p.Facility, p.ClearingMonth, p.FundPayType, ct);
        long outstanding = owed - cleared;
        long applied = p.Amount > 0 ? Math.Clamp(p.Amount, 0, Math.Max(0, outstanding)) : p.Amount;
        long overpaid = p.Amount - applied;
        string book = FundBooks.BookCode(admdvs, p.FundPayType);
        var lines = new List<VoucherLineIn>();
        var split = FundBooks.Allocate(Math.Abs(applied), groups.Select(g => Math.Abs(g.Owed)).ToList());
        string summary;
        if (p.Amount > 0)
        {
            for (int i = 0; i < groups.Count; i++)
                lines.Add(new VoucherLineIn(FundBooks.ExpenseAccount(p.FundPayType, groups[i].Group), split[i], 0, p.Facility, p.FundPayType));
            if (overpaid > 0) lines.Add(new VoucherLineIn(FundBooks.OverpaidAccount, overpaid, 0, p.Facility, p.FundPayType));
            lines.Add(new VoucherLineIn(FundBooks.ExpenditureDeposit, 0, p.Amount, p.Facility, p.FundPayType));
            summary = $"拨付 {p.Facility} {p.ClearingMonth} 结算款 ({p.FundPayType}) 银行流水 {p.BankRef}";
        }
        else
        {
            // Money the facility returned (追回): current-year recovery reduces the expense; a prior year's goes to 4501.
            bool priorYear = FundBooks.PeriodStart(p.ClearingMonth).Year < p.PaidDate.Year;
            lines.Add(new VoucherLineIn(FundBooks.ExpenditureDeposit, -p.Amount, 0, p.Facility, p.FundPayType));
            if (priorYear) lines.Add(new VoucherLineIn(FundBooks.OtherIncome, 0, -p.Amount, p.Facility, p.FundPayType));
            else
                for (int i = 0; i < groups.Count; i++)
                    lines.Add(new VoucherLineIn(FundBooks.ExpenseAccount(p.FundPayType, groups[i].Group), 0, split[i], p.Facility, p.FundPayType));
            summary = $"追回 {p.Facility} {p.ClearingMonth} 结算款 ({p.FundPayType}){(priorYear ? " 跨年度" : "")} 银行流水 {p.BankRef}";
        }
        var now = time.GetUtcNow();
        long voucher = await Vouchers.PostAsync(conn, tx, book, p.PaidDate, p.Amount > 0 ? "payment" : "recovery", summary, lines, now, by, ct: ct);
        await conn.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO facility_clearing (admdvs, fixmedins_code, clearing_month, fund_pay_type, method, amount, applied, overpaid, cleared_date, bank_ref, voucher_id, source, recorded_at)
            VALUES (@admdvs, @Facility, @ClearingMonth, @FundPayType, 'bank', @Amount, @applied, @overpaid, @date, @BankRef, @voucher, @source, @now)
            """, new { admdvs, p.Facility, p.ClearingMonth, p.FundPayType, p.Amount, applied, overpaid, date = p.PaidDate.ToDateTime(TimeOnly.MinValue), p.BankRef, voucher, source, now },
            tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        string msg = overpaid > 0
            ? $"line {p.Line}: OVERPAID {FenMath.FormatYuan(overpaid)} above the {FenMath.FormatYuan(Math.Max(0, outstanding))} outstanding (booked to 110102 暂付款—多拨待追回)"
            : $"line {p.Line}: recorded, voucher {voucher}";
        return new PaymentOutcome(p.Line, p.BankRef, true, applied, overpaid, voucher, msg);
    }

    /// <summary>Pays an advance (预付金) to a facility from a book: Dr 110101 / Cr 1004.</summary>
    public async Task<long> PayAdvanceAsync(string admdvs, string facility, string fundCode, long amount, DateOnly date, string bankRef, string by, CancellationToken ct = default)
    {
        FundBooks.CheckAdmdvs(admdvs);
        if (amount <= 0) throw new FinanceException("an advance is a positive amount");
        string book = admdvs + "-" + fundCode;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        long v = await Vouchers.PostAsync(conn, tx, book, date, "advance", $"预付金 {facility} 银行流水 {bankRef}",
            [new VoucherLineIn(FundBooks.AdvanceAccount, amount, 0, facility), new VoucherLineIn(FundBooks.ExpenditureDeposit, 0, amount, facility)],
            time.GetUtcNow(), by, ct: ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "INSERT INTO facility_advance (admdvs, fixmedins_code, book_code, amount, paid_date, bank_ref, kind, voucher_id) VALUES (@admdvs, @facility, @book, @amount, @d, @bankRef, 'paid', @v)",
            new { admdvs, facility, book, amount, d = date.ToDateTime(TimeOnly.MinValue), bankRef, v }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return v;
    }

    /// <summary>The advance a facility still holds from a book.</summary>
    public static async Task<long> AdvanceBalanceAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string book, string facility, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conn);
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT COALESCE(sum(l.debit - l.credit), 0)::bigint FROM voucher v JOIN voucher_line l ON l.voucher_id = v.voucher_id
            WHERE v.book_code = @book AND l.account_code = '110101' AND l.counterparty = @facility
            """, new { book, facility }, tx, cancellationToken: ct));
    }

    /// <summary>Offsets part of an advance against what a clearing month owes (预付金冲抵): Dr 5001 明细 / Cr 110101.</summary>
    public async Task<long> OffsetAdvanceAsync(string admdvs, string facility, string month, string fundPayType, long amount, DateOnly date, string by, CancellationToken ct = default)
    {
        FundBooks.CheckAdmdvs(admdvs);
        FundBooks.CheckFundPayType(fundPayType);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await RequirePeriodAsync(conn, tx, admdvs, month, ct);
        await LockFacilityAsync(conn, tx, admdvs, facility, ct);
        string book = FundBooks.BookCode(admdvs, fundPayType);
        long balance = await AdvanceBalanceAsync(conn, tx, book, facility, ct);
        var groups = await GroupOwedAsync(conn, tx, admdvs, facility, month, fundPayType, ct);
        long outstanding = groups.Sum(g => g.Owed) - await ClearedAsync(conn, tx, admdvs, facility, month, fundPayType, ct);
        if (amount <= 0 || amount > balance || amount > outstanding)
            throw new FinanceException($"offset of {FenMath.FormatYuan(amount)} refused: facility {facility} holds an advance of {FenMath.FormatYuan(balance)} in {book} and is owed {FenMath.FormatYuan(outstanding)} for {month}");
        var split = FundBooks.Allocate(amount, groups.Select(g => g.Owed).ToList());
        var lines = groups.Select((g, i) => new VoucherLineIn(FundBooks.ExpenseAccount(fundPayType, g.Group), split[i], 0, facility, fundPayType)).ToList();
        lines.Add(new VoucherLineIn(FundBooks.AdvanceAccount, 0, amount, facility, fundPayType));
        var now = time.GetUtcNow();
        long v = await Vouchers.PostAsync(conn, tx, book, date, "advance_offset", $"预付金冲抵 {facility} {month} 结算款 ({fundPayType})", lines, now, by, ct: ct);
        await conn.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO facility_clearing (admdvs, fixmedins_code, clearing_month, fund_pay_type, method, amount, applied, cleared_date, voucher_id, source, recorded_at)
            VALUES (@admdvs, @facility, @month, @fundPayType, 'advance_offset', @amount, @amount, @d, @v, 'offset', @now)
            """, new { admdvs, facility, month, fundPayType, amount, d = date.ToDateTime(TimeOnly.MinValue), v, now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return v;
    }

    /// <summary>An advance returned to the expenditure account at year end: Dr 1004 / Cr 110101.</summary>
    public async Task<long> ReturnAdvanceAsync(string admdvs, string facility, string fundCode, long amount, DateOnly date, string bankRef, string by, CancellationToken ct = default)
    {
        string book = admdvs + "-" + fundCode;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await LockFacilityAsync(conn, tx, admdvs, facility, ct);
        long balance = await AdvanceBalanceAsync(conn, tx, book, facility, ct);
        if (amount <= 0 || amount > balance)
            throw new FinanceException($"return of {FenMath.FormatYuan(amount)} refused: facility {facility} holds {FenMath.FormatYuan(balance)} of advances in {book}");
        long v = await Vouchers.PostAsync(conn, tx, book, date, "advance_return", $"预付金退回 {facility} 银行流水 {bankRef}",
            [new VoucherLineIn(FundBooks.ExpenditureDeposit, amount, 0, facility), new VoucherLineIn(FundBooks.AdvanceAccount, 0, amount, facility)],
            time.GetUtcNow(), by, ct: ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "INSERT INTO facility_advance (admdvs, fixmedins_code, book_code, amount, paid_date, bank_ref, kind, voucher_id) VALUES (@admdvs, @facility, @book, @amount, @d, @bankRef, 'returned', @v)",
            new { admdvs, facility, book, amount, d = date.ToDateTime(TimeOnly.MinValue), bankRef, v }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return v;
    }

    /// <summary>
    /// Year-end clearing (年度清算) of the quality deposit withheld in <paramref name="year"/>'s statements: for each
    /// facility and fund, <paramref name="kept"/> names what the assessment keeps; the rest is released (due, paid by
    /// an ordinary payment). Kept deposit clears the owed amount without money moving (no voucher: it was never booked).
    /// </summary>
    public async Task<List<(string Facility, string Fpt, long Withheld, long Released, long Kept)>> YearEndAsync(string admdvs, int year,
        IReadOnlyDictionary<(string Facility, string Fpt), long> kept, DateOnly date, string by, CancellationToken ct = default)
    {
        FundBooks.CheckAdmdvs(admdvs);
        ArgumentNullException.ThrowIfNull(kept);
        var byMonth = new List<StatementLine>();
        foreach (var p in (await new Periods(dataSource, time).ListAsync(admdvs, ct)).Where(p => p.Period.StartsWith(year.ToString(CultureInfo.InvariantCulture) + "-", StringComparison.Ordinal)))
            byMonth.AddRange(await Statements.ForPeriodAsync(dataSource, admdvs, p.Period, ct));
        if (byMonth.Count == 0) throw new FinanceException($"no statements for {admdvs} in {year}: nothing to clear");
        var result = new List<(string, string, long, long, long)>();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        foreach (var g in byMonth.GroupBy(s => (s.Facility, s.FundPayType)).OrderBy(g => g.Key.Facility, StringComparer.Ordinal).ThenBy(g => g.Key.FundPayType, StringComparer.Ordinal))
        {
            long withheld = g.Sum(s => s.Deposit);
            kept.TryGetValue(g.Key, out long keep);
            keep = Math.Clamp(keep, 0, Math.Max(0, withheld));
            await conn.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO deposit_decision (admdvs, year, fixmedins_code, fund_pay_type, withheld, released, kept, decided_date, decided_by)
                VALUES (@admdvs, @year, @Facility, @FundPayType, @withheld, @released, @keep, @d, @by)
                """, new { admdvs, year, g.Key.Facility, g.Key.FundPayType, withheld, released = withheld - keep, keep, d = date.ToDateTime(TimeOnly.MinValue), by },
                tx, cancellationToken: ct));
            long left = keep;
            foreach (var m in g.GroupBy(s => s.ClearingMonth).OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                long take = Math.Min(left, Math.Max(0, m.Sum(s => s.Deposit)));
                if (take == 0) continue;
                left -= take;
                await conn.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO facility_clearing (admdvs, fixmedins_code, clearing_month, fund_pay_type, method, amount, applied, cleared_date, source, recorded_at)
                    VALUES (@admdvs, @Facility, @month, @FundPayType, 'deposit_kept', @take, @take, @d, @source, @now)
                    """, new { admdvs, g.Key.Facility, month = m.Key, g.Key.FundPayType, take, d = date.ToDateTime(TimeOnly.MinValue), source = $"年度清算 {year}", now },
                    tx, cancellationToken: ct));
            }
            result.Add((g.Key.Facility, g.Key.FundPayType, withheld, withheld - keep, keep));
        }
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>
    /// What is settled and not yet cleared, per facility, fund and clearing month, as of <paramref name="asOf"/>
    /// (clearing months up to its month, clearings dated up to it). Age: days since the end of the clearing month.
    /// </summary>
    public async Task<List<OutstandingLine>> OutstandingAsync(string admdvs, DateOnly asOf, string? facility = null, CancellationToken ct = default)
    {
        FundBooks.CheckAdmdvs(admdvs);
        string upTo = FundBooks.PeriodOf(asOf);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<(string Fac, string Fpt, string Month, long Owed, long Cleared)>(new CommandDefinition(
            """
            WITH owed AS (
                SELECT fixmedins_code AS fac, fund_pay_type AS fpt, acct_period AS month, sum(credit - debit)::bigint AS owed
                FROM ledger_line WHERE acct_admdvs = @admdvs AND acct_period <= @upTo AND account = 'payable_facility'
                  AND batch_id = acct_admdvs || '-' || acct_period AND (@facility::text IS NULL OR fixmedins_code = @facility)
                GROUP BY 1, 2, 3),
            cl AS (
                SELECT fixmedins_code AS fac, fund_pay_type AS fpt, clearing_month AS month, sum(applied)::bigint AS cleared
                FROM facility_clearing WHERE admdvs = @admdvs AND cleared_date <= @asOf AND (@facility::text IS NULL OR fixmedins_code = @facility)
                GROUP BY 1, 2, 3)
            SELECT COALESCE(o.fac, c.fac), COALESCE(o.fpt, c.fpt), COALESCE(o.month, c.month), COALESCE(o.owed, 0), COALESCE(c.cleared, 0)
            FROM owed o FULL JOIN cl c ON c.fac = o.fac AND c.fpt = o.fpt AND c.month = o.month
            ORDER BY COALESCE(o.fac, c.fac) COLLATE "C", 2, 3
            """, new { admdvs, upTo, asOf = asOf.ToDateTime(TimeOnly.MinValue), facility }, cancellationToken: ct))).ToList();
        var decided = (await conn.QueryAsync<(int Year, string Fac, string Fpt)>(new CommandDefinition(
            "SELECT year, fixmedins_code, fund_pay_type FROM deposit_decision WHERE admdvs = @admdvs AND decided_date <= @asOf",
            new { admdvs, asOf = asOf.ToDateTime(TimeOnly.MinValue) }, cancellationToken: ct))).ToHashSet();
        var deposits = new Dictionary<(string, string, string), long>();
        foreach (var month in rows.Select(r => r.Month).Distinct())
            foreach (var s in await Statements.ForPeriodAsync(dataSource, admdvs, month, ct))
                deposits[(s.Facility, s.FundPayType, month)] = deposits.GetValueOrDefault((s.Facility, s.FundPayType, month)) + s.Deposit;
        var list = new List<OutstandingLine>();
        foreach (var r in rows)
        {
            long outstanding = r.Owed - r.Cleared;
            int year = FundBooks.PeriodStart(r.Month).Year;
            long dep = decided.Contains((year, r.Fac, r.Fpt)) ? 0 : Math.Clamp(deposits.GetValueOrDefault((r.Fac, r.Fpt, r.Month)), 0, Math.Max(0, outstanding));
            int age = asOf.DayNumber - FundBooks.PeriodEnd(r.Month).DayNumber;
            list.Add(new OutstandingLine(r.Fac, r.Fpt, r.Month, r.Owed, r.Cleared, outstanding, dep, outstanding - dep, Math.Max(0, age)));
        }
        return list;
    }

    private static async Task RequirePeriodAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string admdvs, string month, CancellationToken ct)
    {
        FundBooks.PeriodStart(month);
        bool exists = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM accounting_period WHERE admdvs = @admdvs AND period = @month)", new { admdvs, month }, tx, cancellationToken: ct));
        if (!exists) throw new FinanceException($"accounting period {admdvs} {month} does not exist (nothing has been settled in it)");
    }

    private static Task<int> LockFacilityAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string admdvs, string facility, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('clearing:' || @admdvs || ':' || @facility))",
            new { admdvs, facility }, tx, cancellationToken: ct));

    private static async Task<List<(string Group, long Owed)>> GroupOwedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string admdvs, string facility,
        string month, string fpt, CancellationToken ct)
    {
        string group = FundBooks.MedGroupSql("r.med_type");
        var rows = await conn.QueryAsync<(string Group, long Owed)>(new CommandDefinition(
            $"""
            SELECT {group}, sum(l.credit - l.debit)::bigint FROM ledger_line l JOIN settlement_result r ON r.claim_seq = l.entry_id
            WHERE l.acct_admdvs = @admdvs AND l.acct_period = @month AND l.batch_id = @batchId AND l.account = 'payable_facility'
              AND l.fixmedins_code = @facility AND l.fund_pay_type = @fpt
            GROUP BY 1
            """, new { admdvs, month, batchId = admdvs + "-" + month, facility, fpt }, tx, cancellationToken: ct));
        return rows.OrderBy(r => Array.IndexOf(FundBooks.MedGroups, r.Group)).ToList();
    }

    private static Task<long> ClearedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string admdvs, string facility, string month, string fpt, CancellationToken ct) =>
        conn.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT COALESCE(sum(applied), 0)::bigint FROM facility_clearing
            WHERE admdvs = @admdvs AND fixmedins_code = @facility AND clearing_month = @month AND fund_pay_type = @fpt
            """, new { admdvs, facility, month, fpt }, tx, cancellationToken: ct));
}
