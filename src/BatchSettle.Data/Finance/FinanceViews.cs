using Dapper;
using Npgsql;

namespace BatchSettle.Data.Finance;

/// <summary>One clearing recorded in a period (a bank payment, an advance offset, deposit kept); money fen.</summary>
public sealed record ClearingRecord(long ClearingId, string Facility, string ClearingMonth, string FundPayType, string Method, long Amount,
    long Applied, long Overpaid, DateOnly ClearedDate, string? BankRef, long? VoucherId, string Source);

/// <summary>One month of one fund: settled (the sub-ledger's owed to facilities by clearing month) and paid (bank clearings dated in it).</summary>
public sealed record FundMonth(string Period, string FundPayType, long Settled, long Paid);

/// <summary>Small reads for the finance page that the CLI verbs do not need.</summary>
public static class FinanceViews
{
    /// <summary>What cleared owed amounts in <paramref name="period"/> (by the clearing's date), newest first.</summary>
    public static async Task<List<ClearingRecord>> ClearingsAsync(NpgsqlDataSource ds, string admdvs, string period, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ds);
        FundBooks.CheckAdmdvs(admdvs);
        var start = FundBooks.PeriodStart(period);
        await using var conn = await ds.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<ClearingRow>(new CommandDefinition(
            """
            SELECT clearing_id AS ClearingId, fixmedins_code AS Facility, clearing_month AS ClearingMonth, fund_pay_type AS FundPayType,
                   method AS Method, amount AS Amount, applied AS Applied, overpaid AS Overpaid, cleared_date AS ClearedDate,
                   bank_ref AS BankRef, voucher_id AS VoucherId, source AS Source
            FROM facility_clearing
            WHERE admdvs = @admdvs AND cleared_date BETWEEN @start AND @end
            ORDER BY cleared_date DESC, clearing_id DESC
            """, new { admdvs, start = start.ToDateTime(TimeOnly.MinValue), end = FundBooks.PeriodEnd(period).ToDateTime(TimeOnly.MinValue) },
            cancellationToken: ct));
        return rows.Select(r => new ClearingRecord(r.ClearingId, r.Facility, r.ClearingMonth, r.FundPayType, r.Method, r.Amount, r.Applied,
            r.Overpaid, DateOnly.FromDateTime(r.ClearedDate), r.BankRef, r.VoucherId, r.Source)).ToList();
    }

    /// <summary>Per fund and month of the region: settled (claims' owed, by clearing month) and paid by bank (by payment date).</summary>
    public static async Task<List<FundMonth>> FundMonthsAsync(NpgsqlDataSource ds, string admdvs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ds);
        FundBooks.CheckAdmdvs(admdvs);
        await using var conn = await ds.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Period, string Fpt, long Settled, long Paid)>(new CommandDefinition(
            """
            WITH settled AS (
                SELECT acct_period AS period, fund_pay_type AS fpt, sum(credit - debit)::bigint AS amt
                FROM ledger_line
                WHERE acct_admdvs = @admdvs AND account = 'payable_facility' AND batch_id = acct_admdvs || '-' || acct_period
                GROUP BY 1, 2),
            paid AS (
                SELECT to_char(cleared_date, 'YYYY-MM') AS period, fund_pay_type AS fpt, sum(amount)::bigint AS amt
                FROM facility_clearing WHERE admdvs = @admdvs AND method = 'bank'
                GROUP BY 1, 2)
            SELECT COALESCE(s.period, p.period), COALESCE(s.fpt, p.fpt), COALESCE(s.amt, 0), COALESCE(p.amt, 0)
            FROM settled s FULL JOIN paid p ON p.period = s.period AND p.fpt = s.fpt
            ORDER BY 1, 2
            """, new { admdvs }, cancellationToken: ct));
        return rows.Select(r => new FundMonth(r.Period, r.Fpt, r.Settled, r.Paid)).ToList();
    }

    private sealed class ClearingRow
    {
        public long ClearingId { get; set; }
        public string Facility { get; set; } = "";
        public string ClearingMonth { get; set; } = "";
        public string FundPayType { get; set; } = "";
        public string Method { get; set; } = "";
        public long Amount { get; set; }
        public long Applied { get; set; }
        public long Overpaid { get; set; }
        public DateTime ClearedDate { get; set; }
        public string? BankRef { get; set; }
        public long? VoucherId { get; set; }
        public string Source { get; set; } = "";
    }
}
