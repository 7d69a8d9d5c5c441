using BatchSettle.Core.Money;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Finance;

/// <summary>One line of the monthly settlement statement (定点医疗机构月度结算单); money fen.</summary>
public sealed record StatementLine(
    string Admdvs, string ClearingMonth, string Facility, string FundPayType, string MedGroup,
    long Claims, long Reversals, long MedfeeSumamt, long FundAmount, long ReversalAmount, long PsnPartAmt,
    long RefusedClaims, long RefusedAmount, long QuarantinedClaims, long QuarantinedAmount,
    int DepositBp, int DepositParamId, long Deposit, long AdvanceOffset, long NetToPay);

/// <summary>
/// Builds the monthly statements of a region and clearing month from the settlement sub-ledger (fund amounts,
/// reversals) and the results (med_type group, medfee, personal share, refused and quarantined claims). A claim's
/// medfee and personal share appear on the line of every fund that paid on it (a statement is read per fund).
/// </summary>
public static class Statements
{
    public const string DepositKey = "fin.quality_deposit_bp";

    public static async Task<List<StatementLine>> BuildAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string admdvs, string month, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conn);
        string batchId = admdvs + "-" + month;
        var end = FundBooks.PeriodEnd(month).ToDateTime(TimeOnly.MinValue);
        var dep = await conn.QueryFirstOrDefaultAsync<(int Id, long Value)>(new CommandDefinition(
            """
            SELECT id, value FROM policy_param
            WHERE key = @key AND (admdvs IS NULL OR admdvs = @admdvs) AND effective_from <= @end AND (effective_to IS NULL OR effective_to >= @end)
            ORDER BY admdvs NULLS LAST, effective_from DESC LIMIT 1
            """, new { key = DepositKey, admdvs, end }, tx, cancellationToken: ct));
        if (dep.Id == 0)
            throw new FinanceException($"no policy parameter {DepositKey} in force for {admdvs} on {FundBooks.PeriodEnd(month):yyyy-MM-dd}");
        string group = FundBooks.MedGroupSql("r.med_type");
        var rows = await conn.QueryAsync<Raw>(new CommandDefinition(
            $"""
            WITH sub AS (
                SELECT l.fixmedins_code AS fac, l.fund_pay_type AS fpt, l.entry_id, l.kind, sum(l.credit - l.debit)::bigint AS amt
                FROM ledger_line l
                WHERE l.acct_admdvs = @admdvs AND l.acct_period = @month AND l.batch_id = @batchId
                  AND l.kind IN ('settlement', 'reversal') AND l.account = 'payable_facility'
                GROUP BY 1, 2, 3, 4),
            paid AS (
                SELECT s.fac, s.fpt, {group} AS grp,
                       count(*) FILTER (WHERE s.kind = 'settlement') AS claims,
                       count(*) FILTER (WHERE s.kind = 'reversal') AS reversals,
                       COALESCE(sum(r.medfee_sumamt), 0)::bigint AS medfee,
                       sum(s.amt)::bigint AS fund_amount,
                       COALESCE(sum(s.amt) FILTER (WHERE s.kind = 'reversal'), 0)::bigint AS reversal_amount,
                       COALESCE(sum(r.psn_part_amt), 0)::bigint AS psn
                FROM sub s JOIN settlement_result r ON r.claim_seq = s.entry_id
                GROUP BY 1, 2, 3),
            other AS (
                SELECT r.fixmedins_code AS fac, CASE WHEN r.insutype = '310' THEN '310100' ELSE '390100' END AS fpt, {group} AS grp,
                       count(*) FILTER (WHERE r.status = 'rejected') AS refused,
                       COALESCE(sum(r.medfee_sumamt) FILTER (WHERE r.status = 'rejected'), 0)::bigint AS refused_amount,
                       count(*) FILTER (WHERE r.status = 'quarantined') AS quarantined,
                       COALESCE(sum(r.medfee_sumamt) FILTER (WHERE r.status = 'quarantined'), 0)::bigint AS quarantined_amount
                FROM settlement_result r WHERE r.batch_id = @batchId AND r.status IN ('rejected', 'quarantined')
                GROUP BY 1, 2, 3)
            SELECT COALESCE(p.fac, o.fac) AS Facility, COALESCE(p.fpt, o.fpt) AS Fpt, COALESCE(p.grp, o.grp) AS Grp,
                   COALESCE(p.claims, 0) AS Claims, COALESCE(p.reversals, 0) AS Reversals, COALESCE(p.medfee, 0) AS Medfee,
                   COALESCE(p.fund_amount, 0) AS FundAmount, COALESCE(p.reversal_amount, 0) AS ReversalAmount, COALESCE(p.psn, 0) AS Psn,
                   COALESCE(o.refused, 0) AS Refused, COALESCE(o.refused_amount, 0) AS RefusedAmount,
                   COALESCE(o.quarantined, 0) AS Quarantined, COALESCE(o.quarantined_amount, 0) AS QuarantinedAmount
            FROM paid p FULL JOIN other o ON o.fac = p.fac AND o.fpt = p.fpt AND o.grp = p.grp
            ORDER BY COALESCE(p.fac, o.fac) COLLATE "C", 2, 3
            """, new { admdvs, month, batchId }, tx, cancellationToken: ct));
        var offsets = (await conn.QueryAsync<(string Fac, string Fpt, long Amt)>(new CommandDefinition(
            """
            SELECT fixmedins_code, fund_pay_type, sum(applied)::bigint FROM facility_clearing
            WHERE admdvs = @admdvs AND clearing_month = @month AND method = 'advance_offset' GROUP BY 1, 2
            """, new { admdvs, month }, tx, cancellationToken: ct))).ToDictionary(x => (x.Fac, x.Fpt), x => x.Amt);
        var list = new List<StatementLine>();
        foreach (var g in rows.GroupBy(r => (r.Facility, r.Fpt)))
        {
            var lines = g.OrderBy(r => Array.IndexOf(FundBooks.MedGroups, r.Grp)).ToList();
            offsets.TryGetValue(g.Key, out long offset);
            // The offset is taken from the groups in statement order, each up to what it has left to pay.
            foreach (var r in lines)
            {
                long deposit = FenMath.MulBp(r.FundAmount, (int)dep.Value);
                long room = Math.Max(0, r.FundAmount - deposit);
                long take = Math.Min(room, offset);
                offset -= take;
                list.Add(new StatementLine(admdvs, month, r.Facility, r.Fpt, r.Grp, r.Claims, r.Reversals, r.Medfee, r.FundAmount,
                    r.ReversalAmount, r.Psn, r.Refused, r.RefusedAmount, r.Quarantined, r.QuarantinedAmount, (int)dep.Value,
                    dep.Id, deposit, take, r.FundAmount - deposit - take));
            }
            if (offset != 0 && list.Count > 0)
            {
                // More offset than room (a month of net reversals): shown on the last group, net to pay goes negative.
                var last = list[^1];
                list[^1] = last with { AdvanceOffset = last.AdvanceOffset + offset, NetToPay = last.NetToPay - offset };
            }
        }
        return list;
    }

    private sealed class Raw
    {
        public string Facility { get; set; } = "";
        public string Fpt { get; set; } = "";
        public string Grp { get; set; } = "";
        public long Claims { get; set; }
        public long Reversals { get; set; }
        public long Medfee { get; set; }
        public long FundAmount { get; set; }
        public long ReversalAmount { get; set; }
        public long Psn { get; set; }
        public long Refused { get; set; }
        public long RefusedAmount { get; set; }
        public long Quarantined { get; set; }
        public long QuarantinedAmount { get; set; }
    }

    /// <summary>The statements issued when the period closed (empty when it has not closed).</summary>
    public static async Task<List<StatementLine>> IssuedAsync(NpgsqlDataSource ds, string admdvs, string month, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ds);
        await using var conn = await ds.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<StatementLine>(new CommandDefinition(
            """
            SELECT admdvs AS Admdvs, clearing_month AS ClearingMonth, fixmedins_code AS Facility, fund_pay_type AS FundPayType,
                   med_group AS MedGroup, claims AS Claims, reversals AS Reversals, medfee_sumamt AS MedfeeSumamt, fund_amount AS FundAmount,
                   reversal_amount AS ReversalAmount, psn_part_amt AS PsnPartAmt, refused_claims AS RefusedClaims, refused_amount AS RefusedAmount,
                   quarantined_claims AS QuarantinedClaims, quarantined_amount AS QuarantinedAmount, deposit_bp AS DepositBp,
                   deposit_param_id AS DepositParamId, deposit AS Deposit, advance_offset AS AdvanceOffset, net_to_pay AS NetToPay
            FROM facility_statement WHERE admdvs = @admdvs AND clearing_month = @month
            ORDER BY fixmedins_code COLLATE "C", fund_pay_type, array_position(ARRAY['住院', '门诊', '慢特病', '生育'], med_group)
            """, new { admdvs, month }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>Live statements (the issued ones once the period is closed).</summary>
    public static async Task<List<StatementLine>> ForPeriodAsync(NpgsqlDataSource ds, string admdvs, string month, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ds);
        var issued = await IssuedAsync(ds, admdvs, month, ct);
        if (issued.Count > 0) return issued;
        await using var conn = await ds.OpenConnectionAsync(ct);
        return await BuildAsync(conn, null, admdvs, month, ct);
    }
}
