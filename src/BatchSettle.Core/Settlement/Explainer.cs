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
    /// <param name="serviceStart">The claim's begndate, shown beside a benefit start date when known.</param>
    public static string Explain(string encodedTrace, in SettlementOut result, PolicySet policy, DateOnly? serviceStart = null) =>
        Explain(TraceCodec.Decode(encodedTrace), result, policy, serviceStart);

    /// <summary>
    /// Explains decoded steps. A quarantined claim was not settled: its steps are listed with their rules and
    /// parameters (how far the calculation got) but without amounts, and there is no final split — its stored amounts
    /// are defaults, not results. A step's base is shown as what it is: fen as yuan, a date as a date (with the
    /// service start beside a benefit start), an age in years, bed days as days; a step with neither base nor amount
    /// shows no amount line.
    /// </summary>
    /// <param name="serviceStart">The claim's begndate, shown beside a benefit start date when known.</param>
    public static string Explain(ReadOnlySpan<TraceStep> steps, in SettlementOut result, PolicySet policy, DateOnly? serviceStart = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        bool amounts = result.Status != SettlementStatus.Quarantined;
        sb.Append(inv, $"status: {result.Status}");
        if (result.Reason is not null) sb.Append(inv, $" ({result.Reason})");
        sb.Append(inv, $"; year {result.Year}");
        if (amounts) sb.Append(inv, $"; medfee {FenMath.FormatYuan(result.MedfeeSumamt)}");
        sb.Append('\n');
        for (int i = 0; i < steps.Length; i++)
        {
            ref readonly var s = ref steps[i];
            sb.Append(inv, $"{i + 1,2}. [{s.Rule}] {s.What}\n");
            Param(sb, policy, s.Param1);
            Param(sb, policy, s.Param2);
            Param(sb, policy, s.Param3);
            var kind = TraceUnits.BaseKind(s.WhatEntry);
            if (kind == TraceBaseKind.Date)
            {
                sb.Append(inv, $"      {TraceUnits.DateLabel(s.WhatEntry)} {Ymd(s.Base)}");
                if (serviceStart is { } svc) sb.Append(inv, $"; service start (begndate) {svc:yyyy-MM-dd}");
                sb.Append('\n');
            }
            else if (kind == TraceBaseKind.Years)
                sb.Append(inv, $"      age {s.Base} years\n");
            else if (!amounts)
            {
                // Quarantined: no amounts.
            }
            else if (kind == TraceBaseKind.Days)
                sb.Append(inv, $"      bed days {s.Base} → amount {FenMath.FormatYuan(s.Amount)}\n");
            else if (s.Base != 0 || s.Amount != 0)
                sb.Append(inv, $"      base {FenMath.FormatYuan(s.Base)} → amount {FenMath.FormatYuan(s.Amount)}\n");
            if (amounts && s.Slot >= 0 && s.Slot < AccSlot.Count)
            {
                string name = AccSlot.Names[s.Slot];
                bool money = !TraceUnits.IsCounterSlot(s.Slot);
                string b = money ? FenMath.FormatYuan(s.SlotBefore) : s.SlotBefore.ToString(inv);
                string a = money ? FenMath.FormatYuan(s.SlotAfter) : s.SlotAfter.ToString(inv);
                sb.Append(inv, $"      accumulator {name}: {b} → {a}\n");
            }
        }
        if (!amounts)
        {
            sb.Append("not settled (quarantined): no amounts\n");
            return sb.ToString();
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
        if (!string.IsNullOrWhiteSpace(p.Note)) sb.Append(inv, $"        note: {p.Note}\n");
    }

    private static string Ymd(long ymd) =>
        string.Create(CultureInfo.InvariantCulture, $"{ymd / 10000:D4}-{ymd / 100 % 100:D2}-{ymd % 100:D2}");

    /// <summary>A parameter value with its unit: fen as yuan, bp as a percentage.</summary>
    public static string FormatValue(long value, string unit) => unit switch
    {
        "fen" => FenMath.FormatYuan(value) + " yuan",
        "bp" => string.Create(CultureInfo.InvariantCulture, $"{value / 100}.{Math.Abs(value % 100):D2}%"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value} {unit}"),
    };
}
