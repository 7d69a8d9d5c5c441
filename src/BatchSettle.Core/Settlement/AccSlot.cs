namespace BatchSettle.Core.Settlement;

/// <summary>
/// Names of the per-person, per-year (v2: per insutype, with person-level slots shared, <see cref="PersonLevel"/>) accumulator slots of <see cref="PersonYearState"/>. The data layer stores the
/// state as a bigint[] in slot order and publishes <see cref="Names"/> so that SQL and explanations can show them by
/// name. Add slots at the end; never reorder (stored arrays are positional).
/// </summary>
public static class AccSlot
{
    /// <summary>Pooled-fund payments that count toward the annual pooled cap (inpatient, chronic, emergency obs.), fen.</summary>
    public const int PoolPaid = 0;
    /// <summary>In-city admissions settled with benefits this year (BX-IP-02).</summary>
    public const int LocalAdmissions = 1;
    /// <summary>Outpatient-pooling payments (own cap), fen.</summary>
    public const int OutpatientPaid = 2;
    /// <summary>Outpatient-pooling deductible used, fen.</summary>
    public const int OutpatientDedcUsed = 3;
    /// <summary>两病 hypertension payments, fen.</summary>
    public const int TwoDiseaseHypertensionPaid = 4;
    /// <summary>两病 diabetes payments, fen.</summary>
    public const int TwoDiseaseDiabetesPaid = 5;
    /// <summary>Chronic-disease yearly deductible used, fen.</summary>
    public const int ChronicDedcUsed = 6;
    /// <summary>大病 base: YTD personal burden of policy-scope cost after the pooled fund, fen (CI-01).</summary>
    public const int CriticalBase = 7;
    /// <summary>大病 payments, fen.</summary>
    public const int CriticalPaid = 8;
    /// <summary>大额 base (what the pooled fund would have paid above its cap), fen (LA-01).</summary>
    public const int LargeAmountBase = 9;
    /// <summary>大额 payments, fen.</summary>
    public const int LargeAmountPaid = 10;
    /// <summary>Assistance base: YTD burden after basic fund and second tier (YK-MA-03a), fen.</summary>
    public const int AssistBase = 11;
    /// <summary>Basic assistance paid, fen.</summary>
    public const int AssistBasicPaid = 12;
    /// <summary>Tilted-assistance base: YTD burden remaining after basic assistance, fen.</summary>
    public const int AssistTiltBase = 13;
    /// <summary>Tilted assistance paid, fen.</summary>
    public const int AssistTiltPaid = 14;
    /// <summary>Early-warning burden: YTD psn_part of monitored claims, fen (§9).</summary>
    public const int WarningBurden = 15;
    /// <summary>Bit set of early-warning thresholds already alerted this year.</summary>
    public const int AlertsRaised = 16;
    /// <summary>All basic-fund payments of the year (any med_type) — zero means a zero-claim year (CI-06).</summary>
    public const int BasicFundPaidAll = 17;
    /// <summary>1 once a 大病 payment used incentive cap and the zero-claim incentive was reset (CI-06).</summary>
    public const int ZeroClaimIncentiveReset = 18;
    /// <summary>Settled claims counted this year.</summary>
    public const int Claims = 19;

    /// <summary>
    /// Chronic-disease (§6.7, CHR-01) pooled payments in January of the year, one 21-bit field per disease lane
    /// (<see cref="ChronicLaneBits"/>; lane k = bits 21k..21k+20); February..December follow (slots 20..31). (v2) One
    /// monthly limit per disease, never shared: each limited disease of the person's year has its own lane, whose
    /// disease is in <see cref="ChronicLaneKey0"/>+k. Fields only ever add a payment within the limit (≤ the field
    /// mask), so the packed sum is linear and a reversal's delta rolls it back exactly.
    /// </summary>
    public const int ChronicPaidJanuary = 20;

    /// <summary>Bits per chronic-disease lane in a month slot.</summary>
    public const int ChronicLaneBits = 21;

    /// <summary>Number of chronic-disease lanes (diseases with a monthly limit per person and year).</summary>
    public const int ChronicLanes = 3;

    /// <summary>
    /// Disease of chronic lane 0 (index in Codes.ChronicCodes + 1; 0 = free); lanes 1, 2 follow (slots 32..34). Set once
    /// a year and kept: bookkeeping, not money, so a reversal does not take it back.
    /// </summary>
    public const int ChronicLaneKey0 = 32;

    /// <summary>True for slots a reversal leaves as they are (an alert pushed, a lane assigned).</summary>
    public static bool Sticky(int slot) => slot == AlertsRaised || (slot >= ChronicLaneKey0 && slot < ChronicLaneKey0 + ChronicLanes);

    /// <summary>First of the person-level slots (§8 assistance totals, §9 burden and alerts): <see cref="AssistBase"/>
    /// ..<see cref="AlertsRaised"/>.</summary>
    public const int FirstPersonSlot = AssistBase;

    /// <summary>Last of the person-level slots.</summary>
    public const int LastPersonSlot = AlertsRaised;

    /// <summary>
    /// (v2) EL-01 two rows in one year: true for the slots a person's resident (390) and employee (310) rows of one year
    /// share — the §8 assistance running totals and the §9 early-warning burden and alerts are the person's across both
    /// rows; every other slot (§6 pooled fund: admission counts, caps, deductibles, chronic lanes; §7 大病 / 大额; the
    /// claim count) belongs to one insutype's row (POLICY.md EL-01; docs/INTERPRETATIONS.md §4). The data layer keeps
    /// one state per (psn_no, year, insutype) and copies these slots to the person's other row of the year.
    /// </summary>
    public static bool PersonLevel(int slot) => slot >= FirstPersonSlot && slot <= LastPersonSlot;

    /// <summary>Copies the person-level slots (<see cref="PersonLevel"/>) of <paramref name="from"/> into
    /// <paramref name="to"/>; true when any of them changed.</summary>
    public static bool CopyPersonLevel(in PersonYearState from, ref PersonYearState to)
    {
        bool changed = false;
        for (int i = FirstPersonSlot; i <= LastPersonSlot; i++)
        {
            if (to[i] == from[i]) continue;
            to[i] = from[i];
            changed = true;
        }
        return changed;
    }

    /// <summary>Slots 20.. are the engine's own (e.g. chronic-disease monthly usage); see <see cref="Names"/>.</summary>
    public const int FirstEngineSlot = 20;

    /// <summary>Total number of slots.</summary>
    public const int Count = 40;

    private static readonly string[] s_names = BuildNames();

    /// <summary>The slot names, index = slot.</summary>
    public static IReadOnlyList<string> Names => s_names;

    private static string[] BuildNames()
    {
        var n = new string[Count];
        n[PoolPaid] = "pool_paid";
        n[LocalAdmissions] = "local_admissions";
        n[OutpatientPaid] = "outpatient_paid";
        n[OutpatientDedcUsed] = "outpatient_dedc_used";
        n[TwoDiseaseHypertensionPaid] = "two_disease_hypertension_paid";
        n[TwoDiseaseDiabetesPaid] = "two_disease_diabetes_paid";
        n[ChronicDedcUsed] = "chronic_dedc_used";
        n[CriticalBase] = "critical_base";
        n[CriticalPaid] = "critical_paid";
        n[LargeAmountBase] = "large_amount_base";
        n[LargeAmountPaid] = "large_amount_paid";
        n[AssistBase] = "assist_base";
        n[AssistBasicPaid] = "assist_basic_paid";
        n[AssistTiltBase] = "assist_tilt_base";
        n[AssistTiltPaid] = "assist_tilt_paid";
        n[WarningBurden] = "warning_burden";
        n[AlertsRaised] = "alerts_raised";
        n[BasicFundPaidAll] = "basic_fund_paid_all";
        n[ZeroClaimIncentiveReset] = "zero_claim_incentive_reset";
        n[Claims] = "claims";
        for (int m = 0; m < 12; m++) n[ChronicPaidJanuary + m] = $"chronic_lanes_m{m + 1:D2}";
        for (int k = 0; k < ChronicLanes; k++) n[ChronicLaneKey0 + k] = $"chronic_lane_key_{k + 1}";
        for (int i = ChronicLaneKey0 + ChronicLanes; i < Count; i++) n[i] = $"engine_{i}";
        return n;
    }
}
