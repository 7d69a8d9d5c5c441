using System.Globalization;
using System.Text;
using BatchSettle.Core.Money;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Settlement;
using BatchSettle.Data.Migrations;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Explain;

/// <summary>
/// Loads a claim's stored result and trace and renders it: the stored result fields, quarantine reasons, then Core's
/// <see cref="Explainer"/> over the decoded trace and the policy parameters in the database.
/// </summary>
public sealed class ExplainQuery(NpgsqlDataSource dataSource)
{
    public async Task<string?> ExplainAsync(string setlId, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var r = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            """
            SELECT setl_id AS SetlId, psn_no AS PsnNo, batch_id AS BatchId, admdvs, insutype, med_type AS MedType,
                   fixmedins_code AS FixmedinsCode, year, status, reason, medfee_sumamt AS Medfee,
                   inscp_scp_amt AS Inscp, act_pay_dedc AS ActPayDedc, hifp_pay AS HifpPay, pool_prop_bp AS PoolPropBp,
                   hifmi_pay AS HifmiPay, hifob_pay AS HifobPay, maf_pay AS MafPay, maf_tilted_pay AS MafTiltedPay,
                   fund_pay_sumamt AS FundPaySumamt, psn_part_amt AS PsnPartAmt, assumed_params AS AssumedParams,
                   superseded_params AS SupersededParams, reversal_of AS ReversalOf, trace, run_id AS RunId,
                   (SELECT c.begndate FROM staging_claim c WHERE c.claim_seq = settlement_result.claim_seq) AS BeginDate,
                   (SELECT c.enddate FROM staging_claim c WHERE c.claim_seq = settlement_result.claim_seq) AS EndDate
            FROM settlement_result WHERE claim_seq IN (SELECT result_claim_seq(@setlId))
            ORDER BY claim_seq DESC LIMIT 1
            """, new { setlId }, cancellationToken: ct));
        if (r is null) return null;
        var q = await conn.QueryAsync<(string Field, string Reason)>(new CommandDefinition(
            "SELECT field, reason FROM quarantine WHERE setl_id = @setlId ORDER BY quarantine_id", new { setlId }, cancellationToken: ct));
        var sb = new StringBuilder();
        var ic = CultureInfo.InvariantCulture;
        sb.Append(ic, $"claim {r.SetlId} (batch {r.BatchId}, run {r.RunId}) person {r.PsnNo}, {r.Admdvs}/{r.Insutype}, med_type {r.MedType}, facility {r.FixmedinsCode}, year {r.Year}\n");
        sb.Append(ic, $"status {r.Status}{(r.Reason is null ? "" : $" — {r.Reason}")}{(r.ReversalOf is null ? "" : $" (reversal of {r.ReversalOf})")}\n");
        foreach (var (field, reason) in q) sb.Append(ic, $"  quarantine: {field}: {reason}\n");
        sb.Append(await RegistryRow.DescribeAsync(conn, r.RunId, r.PsnNo, r.Year, r.Insutype, ct));
        DateOnly? begin = r.BeginDate is { } bd ? DateOnly.FromDateTime(bd) : null;
        if (begin is { } b && r.EndDate is { } ed)
            sb.Append(ic, $"  service {b:yyyy-MM-dd} → {ed:yyyy-MM-dd} (begndate → enddate; the settlement date is enddate)\n");
        bool quarantined = r.Status == "quarantined";
        // A quarantined claim was not settled: its amount columns hold defaults, not results, so none is shown.
        if (quarantined) sb.Append("  not settled: no amounts (see the quarantine reason)\n");
        else AppendAmounts(sb, r);
        sb.Append(ic, $"  assumed parameters: {(r.AssumedParams ? "yes" : "no")}\n");
        sb.Append(ic, $"  stated (superseded text) parameters: {(r.SupersededParams ? "yes" : "no")}\n");
        if (r.Trace is { Length: > 0 })
        {
            var policy = new PolicySet(await PolicyRows.ReadAllAsync(conn, ct));
            var result = new SettlementOut
            {
                Status = r.Status switch { "settled" => SettlementStatus.Settled, "rejected" => SettlementStatus.Rejected, _ => SettlementStatus.Quarantined },
                Reason = r.Reason,
                Year = r.Year ?? 0,
                MedfeeSumamt = r.Medfee ?? 0,
                ActPayDedc = r.ActPayDedc,
                HifpPay = r.HifpPay,
                PoolPropBp = r.PoolPropBp,
                HifmiPay = r.HifmiPay,
                HifobPay = r.HifobPay,
                MafPay = r.MafPay,
                MafTiltedPay = r.MafTiltedPay,
                FundPaySumamt = r.FundPaySumamt,
                PsnPartAmt = r.PsnPartAmt,
                AssumedParams = r.AssumedParams,
                SupersededTextParams = r.SupersededParams,
            };
            sb.Append('\n').Append(Explainer.Explain(r.Trace ?? "", result, policy, begin));
        }
        return sb.ToString();
    }

    private static void AppendAmounts(StringBuilder sb, Row r)
    {
        var ic = CultureInfo.InvariantCulture;
        static string Y(long? f) => f is { } v ? FenMath.FormatYuan(v) : "";
        sb.Append(ic, $"  medfee_sumamt     {Y(r.Medfee),14}\n  inscp_scp_amt     {Y(r.Inscp),14}\n");
        sb.Append(ic, $"  act_pay_dedc      {Y(r.ActPayDedc),14}\n  hifp_pay          {Y(r.HifpPay),14}  ratio {FenMath.FormatRatio(r.PoolPropBp)}\n");
        sb.Append(ic, $"  hifmi_pay         {Y(r.HifmiPay),14}\n  hifob_pay         {Y(r.HifobPay),14}\n");
        sb.Append(ic, $"  maf_pay           {Y(r.MafPay),14}  (tilted {Y(r.MafTiltedPay)})\n");
        sb.Append(ic, $"  fund_pay_sumamt   {Y(r.FundPaySumamt),14}\n  psn_part_amt      {Y(r.PsnPartAmt),14}\n");
    }

    private sealed class Row
    {
        public string SetlId { get; set; } = "";
        public string PsnNo { get; set; } = "";
        public string BatchId { get; set; } = "";
        public string Admdvs { get; set; } = "";
        public string Insutype { get; set; } = "";
        public string MedType { get; set; } = "";
        public string FixmedinsCode { get; set; } = "";
        public int? Year { get; set; }
        public string Status { get; set; } = "";
        public string? Reason { get; set; }
        public long? Medfee { get; set; }
        public long? Inscp { get; set; }
        public long ActPayDedc { get; set; }
        public long HifpPay { get; set; }
        public int PoolPropBp { get; set; }
        public long HifmiPay { get; set; }
        public long HifobPay { get; set; }
        public long MafPay { get; set; }
        public long MafTiltedPay { get; set; }
        public long FundPaySumamt { get; set; }
        public long PsnPartAmt { get; set; }
        public bool AssumedParams { get; set; }
        public bool SupersededParams { get; set; }
        public string? ReversalOf { get; set; }
        public string? Trace { get; set; }
        public long RunId { get; set; }
        public DateTime? BeginDate { get; set; }
        public DateTime? EndDate { get; set; }
    }
}
