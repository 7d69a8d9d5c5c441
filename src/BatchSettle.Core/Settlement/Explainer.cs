using System.Globalization;
using System.Text;
using BatchSettle.Core.Money;
using BatchSettle.Core.Policy;

namespace BatchSettle.Core.Settlement;

/// <summary>
/// Renders a settlement's explanation (<c>batchsettle explain &lt;setl_id&gt;</c>): each step with its rule id, the
/// parameters used (key/qualifier, value with unit, provenance, citation), the accumulator before → after and the
/// amounts, then the final split.
/// </summary>
public static class Explainer
{
    /// <summary>Explains an encoded trace (settlement_result.trace).</summary>
    public static string Explain(string encodedTrace, in SettlementOut result, PolicySet policy) =>
        Explain(TraceCodec.Decode(encodedTrace), result, policy);

    /// <summary>Explains decoded steps.</summary>
    public static string Explain(ReadOnlySpan<TraceStep> steps, in SettlementOut result, PolicySet policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"status: {result.Status}");
        if (result.Reason is not null) sb.Append(inv, $" ({result.Reason})");
        sb.Append(inv, $"; year {result.Year}; medfee {FenMath.FormatYuan(result.MedfeeSumamt)}\n");
        for (int i = 0; i < steps.Length; i++)
        {
            ref readonly var s = ref steps[i];
            sb.Append(inv, $"{i + 1,2}. [{s.Rule}] {s.What}\n");
            Param(sb, policy, s.Param1);
            Param(sb, policy, s.Param2);
            Param(sb, policy, s.Param3);
            if (s.WhatEntry == TraceWhat.BenefitStartCovered || s.WhatEntry == TraceWhat.BenefitStartRejected)
                sb.Append(inv, $"      benefit start {s.Base / 10000:D4}-{s.Base / 100 % 100:D2}-{s.Base % 100:D2}\n");
            else
                sb.Append(inv, $"      base {FenMath.FormatYuan(s.Base)} → amount {FenMath.FormatYuan(s.Amount)}\n");
            if (s.Slot >= 0 && s.Slot < AccSlot.Count)
            {
                string name = AccSlot.Names[s.Slot];
                bool money = s.Slot is not (AccSlot.LocalAdmissions or AccSlot.AlertsRaised or AccSlot.ZeroClaimIncentiveReset or AccSlot.Claims);
                string b = money ? FenMath.FormatYuan(s.SlotBefore) : s.SlotBefore.ToString(inv);
                string a = money ? FenMath.FormatYuan(s.SlotAfter) : s.SlotAfter.ToString(inv);
                sb.Append(inv, $"      accumulator {name}: {b} → {a}\n");
            }
        }
        sb.Append(inv, $"act_pay_dedc {FenMath.FormatYuan(result.ActPayDedc)}; pool ratio {FenMath.FormatRatio(result.PoolPropBp)}\n");
        sb.Append(inv, $"hifp_pay (pooled fund) {FenMath.FormatYuan(result.HifpPay)}\n");
        sb.Append(inv, $"hifmi_pay (大病) {FenMath.FormatYuan(result.HifmiPay)}\n");
        sb.Append(inv, $"hifob_pay (大额) {FenMath.FormatYuan(result.HifobPay)}\n");
        sb.Append(inv, $"maf_pay (assistance) {FenMath.FormatYuan(result.MafPay)} (tilted {FenMath.FormatYuan(result.MafTiltedPay)})\n");
        sb.Append(inv, $"fund_pay_sumamt {FenMath.FormatYuan(result.FundPaySumamt)}\n");
        sb.Append(inv, $"psn_part_amt (personal) {FenMath.FormatYuan(result.PsnPartAmt)}\n");
        if (result.AssumedParams) sb.Append("note: an assumed parameter was used (POLICY.md §12)\n");
        if (result.SupersededTextParams)
            sb.Append("note: a parameter stated only in superseded text was used (stated (superseded text), POLICY.md preamble)\n");
        if (result.AlertThreshold != 0)
            sb.Append(inv, $"early warning: threshold {FenMath.FormatYuan(result.AlertThreshold)} crossed at {FenMath.FormatYuan(result.AlertBurden)}\n");
        return sb.ToString();
    }

    private static void Param(StringBuilder sb, PolicySet policy, int id)
    {
        if (id == 0) return;
        var inv = CultureInfo.InvariantCulture;
        var p = policy.Find(id);
        if (p is null)
        {
            sb.Append(inv, $"      param #{id}: (not in the policy set)\n");
            return;
        }
        string key = p.Qualifier.Length == 0 ? p.Key : p.Key + "/" + p.Qualifier;
        sb.Append(inv, $"      param #{p.Id} {key} = {FormatValue(p.Value, p.Unit)} ({p.Provenance.Label()}; {p.Citation}; {p.RuleId})\n");
    }

    /// <summary>A parameter value with its unit: fen as yuan, bp as a percentage.</summary>
    public static string FormatValue(long value, string unit) => unit switch
    {
        "fen" => FenMath.FormatYuan(value) + " yuan",
        "bp" => string.Create(CultureInfo.InvariantCulture, $"{value / 100}.{Math.Abs(value % 100):D2}%"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value} {unit}"),
    };
}
