using Dapper;
using Npgsql;

namespace BatchSettle.Data.Finance;

/// <summary>Per facility and fund_pay_type totals from the results and from the settlement sub-ledger, fen.</summary>
public static class Reconciliation
{
    public static async Task<Dictionary<(string, string), long>> ResultsByFacilityFundAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string batchId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conn);
        var rows = await conn.QueryAsync<(string Fac, string Fpt, long Amt)>(new CommandDefinition(
            """
            SELECT fac, fpt, sum(amt)::bigint FROM (
                SELECT fixmedins_code AS fac, CASE WHEN insutype = '310' THEN '310100' ELSE '390100' END AS fpt, hifp_pay AS amt
                  FROM settlement_result WHERE batch_id = @batchId AND status = 'settled'
                UNION ALL SELECT fixmedins_code, '390200', hifmi_pay FROM settlement_result WHERE batch_id = @batchId AND status = 'settled'
                UNION ALL SELECT fixmedins_code, '330100', hifob_pay FROM settlement_result WHERE batch_id = @batchId AND status = 'settled'
                UNION ALL SELECT fixmedins_code, '610100', maf_pay FROM settlement_result WHERE batch_id = @batchId AND status = 'settled') x
            GROUP BY 1, 2 HAVING sum(amt) <> 0 OR count(*) FILTER (WHERE amt <> 0) > 0
            """, new { batchId }, tx, cancellationToken: ct));
        return rows.ToDictionary(r => (r.Fac, r.Fpt), r => r.Amt);
    }

    public static async Task<Dictionary<(string, string), long>> SubLedgerByFacilityFundAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string admdvs, string period, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conn);
        string batchId = admdvs + "-" + period;
        var rows = await conn.QueryAsync<(string Fac, string Fpt, long Amt)>(new CommandDefinition(
            """
            SELECT fixmedins_code, fund_pay_type, sum(credit - debit)::bigint FROM ledger_line
            WHERE acct_admdvs = @admdvs AND acct_period = @period AND batch_id = @batchId AND account = 'payable_facility'
            GROUP BY 1, 2
            """, new { admdvs, period, batchId }, tx, cancellationToken: ct));
        return rows.ToDictionary(r => (r.Fac, r.Fpt), r => r.Amt);
    }
}
