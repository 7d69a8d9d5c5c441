namespace BatchSettle.Core.Settlement;

/// <summary>
/// The catalogue of step descriptions (<see cref="TraceStep.What"/>) the engine writes: each a constant text with a
/// small integer <see cref="Code"/>. A stored trace (settlement_result.trace, <see cref="TraceCodec"/>) carries the code
/// instead of the text, which was ~40 % of a result row and of its WAL; the explanation restores the text from here.
/// <para>
/// The codes are persisted data: the catalogue is append-only. Never renumber, reuse or remove a code, and never give
/// an existing code a different meaning — every stored trace that carries it would then explain something else. A
/// rewording that keeps the meaning may edit the text in place (old rows explain with the new words); a new or changed
/// meaning gets a new entry with the next free code. Next free code: 69.
/// </para>
/// <para>
/// The engine passes these instances (never string literals) to its trace steps, so each text lives only here and a
/// step stores one reference — no lookup or hashing per step, no allocation.
/// </para>
/// </summary>
public sealed class TraceWhat
{
    // Declared before the entries: static fields initialise in textual order, and each entry registers itself here.
    private static readonly List<TraceWhat> s_all = [];

    private TraceWhat(int code, string text)
    {
        if (code <= 0 || s_all.Exists(e => e.Code == code || e.Text == text))
            throw new InvalidOperationException($"trace description code {code} ('{text}') is not positive or not unique");
        Code = code;
        Text = text;
        s_all.Add(this);
    }

    /// <summary>The stable code written in place of the text (decimal, in the trace's <c>what</c> field).</summary>
    public int Code { get; }

    /// <summary>The description as the explanation shows it.</summary>
    public string Text { get; }

    public override string ToString() => Text;

    // 1–9: the steps (nearly) every settled claim has, so that they take one digit each.

    public static readonly TraceWhat BenefitStartCovered = new(1, "benefit start date on or before the service start");
    public static readonly TraceWhat FinalSplit = new(2, "final split: fund sum, personal = medfee − fund");
    public static readonly TraceWhat EarlyWarningBurden = new(3, "early-warning burden (YTD personal share of monitored claims)");
    public static readonly TraceWhat PoolCap = new(4, "annual pooled-fund cap");
    public static readonly TraceWhat PooledFund = new(5, "pooled fund: (policy-scope cost − deductible) × ratio");
    public static readonly TraceWhat CriticalBase = new(6, "大病 base: YTD policy-scope cost not paid by the pooled fund");
    public static readonly TraceWhat CriticalGeneral = new(7, "大病 general deductible and ratio on the running total");
    public static readonly TraceWhat CriticalCap = new(8, "大病 annual cap");
    public static readonly TraceWhat LevelDeductible = new(9, "deductible and ratio by facility level");

    // From 10 on: the rest, in the engine's order (eligibility, exclusion, basic fund, second tier, assistance,
    // early warning, reversal). New entries go at the end with the next free code, wherever they belong in the engine.

    public static readonly TraceWhat NotEnrolled = new(10, "not enrolled in the claim's insutype for the claim's year");
    public static readonly TraceWhat RegistryYear = new(11, "registry row is not for the claim's year");
    public static readonly TraceWhat BenefitStartRejected = new(12, "benefit start date after the service start: rejected");
    public static readonly TraceWhat Excluded = new(13, "excluded cause (§5): every fund 0, whole cost personal");
    public static readonly TraceWhat EmergencyNonDesignated =
        new(14, "emergency admission to a non-designated facility: as designated of the same level");
    public static readonly TraceWhat NonDesignated = new(15, "non-designated facility: no basic fund");
    public static readonly TraceWhat RemoteReferred = new(16, "remote deductible and ratio (referred / emergency)");
    public static readonly TraceWhat RemoteTemporary = new(17, "remote deductible and ratio (temporary)");
    public static readonly TraceWhat NthAdmission = new(18, "n-th in-city admission: deductible lowered");
    public static readonly TraceWhat TransferDeductible =
        new(19, "in-region transfer: deductible is the difference of the levels' deductibles");
    public static readonly TraceWhat SpecialtyNoDeductible =
        new(20, "TB / hepatitis / psychiatric in a specialty hospital: no deductible");
    public static readonly TraceWhat NonDesignatedDelivery =
        new(21, "delivery in a non-designated facility: policy-scope cost up to the limit");
    public static readonly TraceWhat EmergencyObservationCity = new(22, "emergency observation in the city");
    public static readonly TraceWhat EmergencyObservationOutside = new(23, "emergency observation outside the city");
    public static readonly TraceWhat SegmentLow = new(24, "segmented ratio: cost up to the segment point at the low ratio");
    public static readonly TraceWhat SegmentHigh = new(25, "segmented ratio: cost above the segment point at the high ratio");
    public static readonly TraceWhat ChronicDeductible = new(26, "yearly chronic-disease deductible shared by all diseases");
    public static readonly TraceWhat ChronicRatio = new(27, "per-disease ratio");
    public static readonly TraceWhat ChronicMonthLimit = new(28, "per-disease monthly limit (month of the settlement date)");
    public static readonly TraceWhat OutpatientNotPooled =
        new(29, "outpatient pooling: designated facility in the city or the filed place only");
    public static readonly TraceWhat OutpatientDeductible = new(30, "yearly outpatient deductible");
    public static readonly TraceWhat OutpatientRatio = new(31, "outpatient ratio by facility");
    public static readonly TraceWhat OutpatientCap = new(32, "yearly outpatient cap (separate from the inpatient cap)");
    public static readonly TraceWhat TwoDiseasesRatio = new(33, "两病 drugs: no deductible, ratio");
    public static readonly TraceWhat TwoDiseasesHypertensionCap = new(34, "两病 hypertension cap (and combined cap)");
    public static readonly TraceWhat TwoDiseasesDiabetesCap = new(35, "两病 diabetes / combined cap");
    public static readonly TraceWhat EmployeeMaternityOutpatient = new(36, "employee maternity outpatient ratio");
    public static readonly TraceWhat ResidentMaternityOutpatient =
        new(37, "resident maternity outpatient: outpatient ratio, no deductible, no cap");
    public static readonly TraceWhat MaternityOutpatientLevel =
        new(38, "maternity outpatient: inpatient ratio of the level, no deductible");
    public static readonly TraceWhat MaternityOutpatientSegmented =
        new(39, "maternity outpatient: segmented inpatient ratios, no deductible");
    public static readonly TraceWhat CriticalTilt = new(40, "大病 hardship tilt: deductible halved, tilted ratio");
    public static readonly TraceWhat CriticalChild = new(41, "大病 child with a listed major disease");
    public static readonly TraceWhat CriticalNoCap =
        new(42, "大病 no annual cap (tilted category or assistance-subsidised enrolment)");
    public static readonly TraceWhat CriticalIncentives =
        new(43, "大病 cap incentives: continuous years and zero-claim years, at most 20% of the cap");
    public static readonly TraceWhat CriticalIncentiveReset = new(44, "大病 payment used the incentive: zero-claim incentive reset");
    public static readonly TraceWhat LargeAmountBase = new(45, "大额 base: what the pooled fund would have paid above its cap");
    public static readonly TraceWhat LargeAmountNotPaid = new(46, "大额 premium not paid for the service date: no 大额");
    public static readonly TraceWhat LargeAmountPay = new(47, "大额 payment within its annual cap");
    public static readonly TraceWhat AssistanceOnApplication = new(48, "category I is assisted once on application, not per claim");
    public static readonly TraceWhat AssistanceNotReferred = new(49, "care not properly referred: no assistance");
    public static readonly TraceWhat AssistanceBase =
        new(50, "assistance base: YTD policy-scope burden after basic fund and second tier");
    public static readonly TraceWhat AssistancePsychBedDay = new(51, "severe mental illness inpatient: fixed amount per bed-day");
    public static readonly TraceWhat AssistanceBasic = new(52, "basic assistance: increment above the yearly deductible × ratio");
    public static readonly TraceWhat AssistanceBasicCap = new(53, "basic assistance yearly cap (all categories count)");
    public static readonly TraceWhat AssistanceTiltBase = new(54, "tilted assistance base: YTD burden after basic assistance");
    public static readonly TraceWhat AssistanceTiltCap = new(55, "tilted assistance yearly cap");
    public static readonly TraceWhat AssistanceTiltOutsideProvince =
        new(56, "tilted assistance only for proper care inside the province");
    public static readonly TraceWhat EarlyWarningAlert =
        new(57, "early-warning threshold crossed: alert (once per person, year and threshold)");
    public static readonly TraceWhat Reversal = new(58, "reversal: exact negation of the original settlement");
    public static readonly TraceWhat ReversalRollback = new(59, "accumulator rolled back by the original's delta");
    public static readonly TraceWhat NonDesignatedDeliveryAdmission =
        new(60, "non-designated in-city delivery counts as an in-city admission (BX-IP-02), no deductible");
    public static readonly TraceWhat AssistanceNonDesignated =
        new(61, "non-designated facility, not an emergency paid as designated: no assistance, no running total");
    public static readonly TraceWhat ChronicDiseaseMonthLimit =
        new(62, "monthly limit of this disease (one limit per disease, never shared)");
    public static readonly TraceWhat EmergencyRemoteNonDesignated =
        new(63, "emergency admission outside the city: referral standard, designated or not");
    public static readonly TraceWhat ChronicAgeLimit =
        new(64, "childhood autism only to the age limit: every fund 0, not recognised by the pooled fund");
    public static readonly TraceWhat UniversityLocalStandard =
        new(65, "university student admitted outside the city: paid at the local standard");
    public static readonly TraceWhat ResidentEndsAtEmployeeRow =
        new(66, "resident benefits end at the benefit start of the year's employee row: rejected");
    public static readonly TraceWhat ArrearsStopped =
        new(67, "employer arrears: employee benefits stopped from the month after arrears began: rejected");
    public static readonly TraceWhat ArrearsRestored =
        new(68, "employer arrears paid within the restore period (included): benefits restored back to arrears_from");

    // After the entries (textual order): built once every entry has registered.
    private static readonly TraceWhat?[] s_byCode = IndexByCode();
    private static readonly Dictionary<string, TraceWhat> s_byText = s_all.ToDictionary(e => e.Text, StringComparer.Ordinal);

    /// <summary>Every entry, in code order.</summary>
    public static IReadOnlyList<TraceWhat> All => s_all;

    /// <summary>The entry with <paramref name="code"/>, or null when no entry has it.</summary>
    public static TraceWhat? FromCode(int code) => (uint)code < (uint)s_byCode.Length ? s_byCode[code] : null;

    /// <summary>
    /// The entry whose text is <paramref name="text"/> (ordinal), or null. For text that did not come from the engine
    /// (old rows that stored the full text, hand-built steps); the engine itself never looks text up.
    /// </summary>
    public static TraceWhat? Find(string? text) => text is not null && s_byText.TryGetValue(text, out var e) ? e : null;

    private static TraceWhat?[] IndexByCode()
    {
        s_all.Sort((a, b) => a.Code.CompareTo(b.Code));
        var byCode = new TraceWhat?[s_all[^1].Code + 1];
        foreach (var e in s_all) byCode[e.Code] = e;
        return byCode;
    }
}
