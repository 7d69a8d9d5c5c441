using System.Runtime.CompilerServices;
using BatchSettle.Core.Domain;
using BatchSettle.Core.Money;
using BatchSettle.Core.Policy;

namespace BatchSettle.Core.Settlement;

/// <summary>
/// Settles claims one person at a time, in order (POLICY.md §3). Pure: no I/O, no clock, no allocation per claim in
/// steady state. Thread-safe: one engine serves every partition; state lives in the caller's spans.
/// </summary>
public sealed partial class SettlementEngine
{
    public SettlementEngine(PolicySet policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
        _ = policy.KeyCount; // build the resolution index once, up front
        // Keys named by data rather than by ParamKeys (a chronic disease's ratio and limit, a tilt category's halving),
        // looked up by text once here instead of once a claim: -1 where the policy has no such key.
        var chronic = Codes.ChronicCodes;
        _chronicRatioKeys = new int[chronic.Count];
        _chronicLimitKeys = new int[chronic.Count];
        for (int i = 0; i < chronic.Count; i++)
        {
            _chronicRatioKeys[i] = policy.KeyId(ChrRatio, chronic[i]);
            _chronicLimitKeys[i] = policy.KeyId(ChrMonthLimit, chronic[i]);
        }
        _tiltHalfKeys = new int[HardshipStarts.AssistanceCount];
        for (int i = 0; i < _tiltHalfKeys.Length; i++)
        {
            _tiltHalfKeys[i] = policy.KeyId(CiTiltDedcBp, policy.KeyName(ParamKeys.CiTiltCat + i).Qualifier);
        }
    }

    private readonly int[] _chronicRatioKeys;
    private readonly int[] _chronicLimitKeys;
    private readonly int[] _tiltHalfKeys;

    public PolicySet Policy { get; }

    /// <summary>
    /// Settles <paramref name="claim"/> against the person's registry row for the claim's year and that year's
    /// accumulators, which it advances. <paramref name="enrolled"/> is false when the person has no row for the claim's
    /// year (EL-01: rejected). Writes the outcome (settled / rejected / quarantined for a missing parameter) and its
    /// trace steps.
    /// </summary>
    public void Settle(in ClaimIn claim, bool enrolled, in PersonIn person, ref PersonYearState state,
        ref SettlementOut result, TraceBuffer trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        int year = claim.Year;
        result = default;
        result.Year = year;
        result.MedfeeSumamt = claim.MedfeeSumamt;
        result.TraceStart = trace.Count;

        string? bad = Validate(in claim);
        if (bad is not null)
        {
            Quarantine(ref result, trace, bad);
            return;
        }

        // The accumulators are advanced in place and put back from this copy unless the claim settles (one copy a
        // claim instead of a working copy in and out: the state is 40 longs).
        var before = state;
        scoped var c = new Ctx
        {
            Trace = trace, MissingKey = NoMissing, PoolRecognised = true, Year = year,
            View = Policy.View(claim.Region, claim.InsuType, claim.EndDate),
        };
        c.Claim = ref claim;
        c.Person = ref person;
        c.Acc = ref state;

        // §3.1 eligibility (§4): a claim that is not covered is rejected and touches no accumulator.
        string? notCovered = Eligibility(ref c, enrolled);
        if (c.Failed)
        {
            state = before;
            Quarantine(ref result, trace, FailureReason(ref c));
            return;
        }
        if (notCovered is not null)
        {
            state = before;
            result.Status = SettlementStatus.Rejected;
            result.Reason = notCovered;
            result.PsnPartAmt = claim.MedfeeSumamt;
            result.AssumedParams = c.Assumed;
            result.SupersededTextParams = c.Superseded;
            result.TraceCount = trace.Count - result.TraceStart;
            return;
        }

        // §3.2 exclusions (§5).
        if (claim.ExclusionCause != ExclusionCause.None)
        {
            Exclude(ref c, ref result);
            return;
        }

        // §3.3–3.5 basic fund, second tier, assistance; any missing parameter quarantines (never a guess).
        if (!Basic(ref c) || !SecondTier(ref c) || !Assistance(ref c) || !Finish(ref c, ref result))
        {
            state = before;
            Quarantine(ref result, trace, FailureReason(ref c));
        }
    }

    /// <summary>
    /// Settles a reversal (冲销): the result is the exact negation of <paramref name="original"/>, and the
    /// accumulators are rolled back by the original's <paramref name="originalDelta"/> (after − before).
    /// </summary>
#pragma warning disable CA1822 // Instance member by contract (DESIGN.md): callers hold one engine for Settle and Reverse.
    public void Reverse(in ClaimIn reversal, in SettlementOut original, in PersonYearState originalDelta,
        ref PersonYearState state, ref SettlementOut result, TraceBuffer trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        result = default;
        result.Year = original.Year;
        result.TraceStart = trace.Count;
        result.MedfeeSumamt = reversal.MedfeeSumamt;
        if (reversal.ReversalOf is null)
        {
            QuarantineReversal(ref result, Reasons.NotAReversal);
            return;
        }
        if (original.Status != SettlementStatus.Settled)
        {
            QuarantineReversal(ref result, Reasons.ReverseNotSettled);
            return;
        }
        if (reversal.MedfeeSumamt != -original.MedfeeSumamt)
        {
            QuarantineReversal(ref result, Reasons.ReverseAmounts);
            return;
        }
        result.Status = SettlementStatus.Settled;
        result.Reason = Reasons.Reversal;
        result.ActPayDedc = -original.ActPayDedc;
        result.HifpPay = -original.HifpPay;
        result.PoolPropBp = original.PoolPropBp;
        result.HifmiPay = -original.HifmiPay;
        result.HifobPay = -original.HifobPay;
        result.MafPay = -original.MafPay;
        result.MafTiltedPay = -original.MafTiltedPay;
        result.FundPaySumamt = -original.FundPaySumamt;
        result.PsnPartAmt = -original.PsnPartAmt;
        result.AssumedParams = original.AssumedParams;
        result.SupersededTextParams = original.SupersededTextParams;

        ref var s = ref trace.Add();
        s.RuleId = RuleRef.Reversal;
        s.WhatEntry = TraceWhat.Reversal;
        s.Base = original.FundPaySumamt;
        s.Amount = result.FundPaySumamt;
        for (int i = 0; i < AccSlot.Count; i++)
        {
            long d = originalDelta[i];
            // An alert once raised has been pushed to civil affairs; it is not taken back (INTERPRETATIONS §9).
            // A lane once assigned stays the disease's for the year (AccSlot.Sticky).
            if (d == 0 || AccSlot.Sticky(i)) continue;
            long before = state[i];
            state[i] = before - d;
            ref var t = ref trace.Add();
            t.RuleId = RuleRef.Reversal;
            t.WhatEntry = TraceWhat.ReversalRollback;
            t.Base = d;
            t.Amount = -d;
            t.Slot = i;
            t.SlotBefore = before;
            t.SlotAfter = state[i];
        }
        result.TraceCount = trace.Count - result.TraceStart;
    }
#pragma warning restore CA1822

    /// <summary>delta = after − before, slot by slot: what a result stores (acc_delta) and a reversal subtracts.</summary>
    public static void ComputeDelta(in PersonYearState before, in PersonYearState after, ref PersonYearState delta)
    {
        for (int i = 0; i < AccSlot.Count; i++) delta[i] = after[i] - before[i];
    }

    private static void QuarantineReversal(ref SettlementOut result, string reason)
    {
        result.Status = SettlementStatus.Quarantined;
        result.Reason = reason;
    }

    private static string? Validate(in ClaimIn c)
    {
        if (c.IsReversal) return Reasons.ReversalViaSettle;
        if (c.Region == 0 || c.InsuType == 0 || c.MedType == 0 || c.HospLevel == 0 || c.FacKind == 0 || c.Setting == 0)
            return Reasons.BadCode;
        if (c.MedfeeSumamt < 0 || c.FulamtOwnpayAmt < 0 || c.OverlmtSelfpay < 0 || c.PreselfpayAmt < 0 || c.InscpScpAmt < 0)
            return Reasons.Negative;
        if (c.MedfeeSumamt != c.FulamtOwnpayAmt + c.OverlmtSelfpay + c.PreselfpayAmt + c.InscpScpAmt)
            return Reasons.Identity;
        if (c.EndDate < c.BeginDate) return Reasons.Dates;
        if (c.MedType == MedType.ChronicOutpatient && (c.SpecialDisease != SpecialDisease.Chronic || string.IsNullOrEmpty(c.ChronicCode)))
            return Reasons.ChronicCode;
        if (c.SpecialDisease == SpecialDisease.Chronic && Codes.ChronicIndex(c.ChronicCode) < 0)
            return Reasons.ChronicNotListed;
        if (c.MedType == MedType.TwoDiseases && c.InsuType == InsuType.Resident
            && c.SpecialDisease is not (SpecialDisease.Hypertension or SpecialDisease.Diabetes))
            return Reasons.TwoDiseaseCode;
        return null;
    }

    private static void Exclude(ref Ctx c, ref SettlementOut r)
    {
        string rule = c.Claim.ExclusionCause switch
        {
            ExclusionCause.Abroad => Rules.ExAbroad,
            ExclusionCause.WorkInjury => Rules.ExWorkInjury,
            ExclusionCause.PublicHealth => Rules.ExPublicHealth,
            ExclusionCause.ThirdParty => Rules.ExThirdParty,
            ExclusionCause.Misconduct => Rules.ExMisconduct,
            _ => Rules.ExAddiction,
        };
        Step(ref c, RuleNames.Intern(rule), TraceWhat.Excluded, 0, 0, 0, c.Claim.MedfeeSumamt, 0);
        long before = c.Acc[AccSlot.Claims];
        c.Acc[AccSlot.Claims] = before + 1;
        r.Status = SettlementStatus.Settled;
        r.Reason = rule;
        r.PsnPartAmt = c.Claim.MedfeeSumamt;
        // EW-01 (v2): an excluded claim adds nothing to the burden but is a settled claim: the check runs after it.
        c.PoolRecognised = false;
        EarlyWarning(ref c, ref r, counts: false);
        r.AssumedParams = c.Assumed;
        r.SupersededTextParams = c.Superseded;
        r.TraceCount = c.Trace.Count - r.TraceStart;
    }

    private static bool Finish(ref Ctx c, ref SettlementOut r)
    {
        ref readonly var cl = ref c.Claim;
        r.Status = SettlementStatus.Settled;
        r.ActPayDedc = c.Dedc;
        r.HifpPay = c.Hifp;
        r.PoolPropBp = c.PoolBp;
        r.HifmiPay = c.Hifmi;
        r.HifobPay = c.Hifob;
        r.MafPay = c.Maf;
        r.MafTiltedPay = c.MafTilt;
        r.FundPaySumamt = c.Hifp + c.Hifmi + c.Hifob + c.Maf;
        r.PsnPartAmt = cl.MedfeeSumamt - r.FundPaySumamt;
        c.Acc[AccSlot.BasicFundPaidAll] += c.Hifp;
        c.Acc[AccSlot.Claims] += 1;
        if (!EarlyWarning(ref c, ref r, counts: FeedsTiers(cl.MedType) || cl.HighValueDrug)) return false;
        Step(ref c, RuleRef.Split, TraceWhat.FinalSplit, 0, 0, 0, cl.MedfeeSumamt, r.PsnPartAmt);
        r.AssumedParams = c.Assumed;
        r.SupersededTextParams = c.Superseded;
        r.TraceCount = c.Trace.Count - r.TraceStart;
        return true;
    }

    /// <summary>
    /// EW-01: YTD personal burden of monitored claims (21, 52, 13, 14 and, v2, any high_value_drug claim); one alert per
    /// person, year and threshold. (v2) The check follows every settled claim, <paramref name="counts"/> or not, so a
    /// person who enters a group whose threshold the burden already reaches is alerted on the next settled claim.
    /// </summary>
    private static bool EarlyWarning(ref Ctx c, ref SettlementOut r, bool counts)
    {
        ref readonly var cl = ref c.Claim;
        long before = c.Acc[AccSlot.WarningBurden];
        long add = counts ? r.PsnPartAmt : 0;
        long after = before + add;
        c.Acc[AccSlot.WarningBurden] = after;
        int group = HoldsAssistedCategory(in c.Person.Hardship, cl.EndDate) ? 0 : cl.InsuType == InsuType.Resident ? 1 : 2;
        // The early-warning rules are in force from 2023 (营政办发〔2022〕23号); before that no threshold resolves.
        var p = Opt(ref c, ParamKeys.EwThreshold + group);
        if (p is null) return true;
        long bit = 1L << group;
        long raised = c.Acc[AccSlot.AlertsRaised];
        if (counts)
        {
            Step(ref c, p.RuleRef, TraceWhat.EarlyWarningBurden, p.Id, 0, 0, r.PsnPartAmt, r.PsnPartAmt,
                AccSlot.WarningBurden, before, after);
        }
        if (after >= p.Value && (raised & bit) == 0)
        {
            c.Acc[AccSlot.AlertsRaised] = raised | bit;
            r.AlertThreshold = p.Value;
            r.AlertBurden = after;
            Step(ref c, p.RuleRef, TraceWhat.EarlyWarningAlert, p.Id, 0, 0,
                after, p.Value, AccSlot.AlertsRaised, raised, raised | bit);
        }
        return true;
    }

    /// <summary>EW-01's 5,000 group: an assistance category except I, or (v2) P, held on <paramref name="day"/>.</summary>
    private static bool HoldsAssistedCategory(in HardshipStarts h, DateOnly day)
    {
        if (!h.Any()) return false;
        for (int i = 0; i < HardshipStarts.Count; i++)
        {
            if (i != (int)HardshipCategory.I && h.Holds((HardshipCategory)i, day)) return true;
        }
        return false;
    }

    /// <summary>med_types that feed the pooled annual cap, 大病/大额 and the early-warning burden (POLICY.md §8 table).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool FeedsTiers(MedType m) =>
        m is MedType.Inpatient or MedType.MaternityInpatient or MedType.EmergencyObservation or MedType.ChronicOutpatient;

    private static void Quarantine(ref SettlementOut r, TraceBuffer trace, string reason)
    {
        trace.Truncate(r.TraceStart);
        long medfee = r.MedfeeSumamt;
        int start = r.TraceStart;
        int year = r.Year;
        r = default;
        r.Year = year;
        r.MedfeeSumamt = medfee;
        r.TraceStart = start;
        r.Status = SettlementStatus.Quarantined;
        r.Reason = reason;
    }

    private string FailureReason(ref Ctx c)
    {
        if (c.BadInput is not null) return c.BadInput;
        ref readonly var cl = ref c.Claim;
        if (c.MissingKey == DynamicMissing)
            return PolicySet.MissingReason(c.MissingName!, c.MissingQualifier!, cl.Region, cl.InsuType, cl.EndDate);
        return Policy.MissingReason(c.MissingKey, cl.Region, cl.InsuType, cl.EndDate);
    }

    private const int NoMissing = -1;
    private const int DynamicMissing = -2;

    /// <summary>
    /// Per-claim working state. The accumulators are the caller's, advanced in place; <see cref="Settle"/> puts them
    /// back when the claim does not settle.
    /// </summary>
    private ref struct Ctx
    {
        public ref readonly ClaimIn Claim;
        public ref readonly PersonIn Person;
        public ref PersonYearState Acc;
        public TraceBuffer Trace;
        /// <summary>Every key's parameter in force for this claim's region, insutype and date (<see cref="PolicySet.View"/>).</summary>
        public PolicyParam?[] View;
        /// <summary>The claim's settlement year (<see cref="ClaimIn.Year"/>, computed once).</summary>
        public int Year;
        public bool Assumed;
        public bool Superseded;
        public int MissingKey;
        public string? MissingName;
        public string? MissingQualifier;
        public string? BadInput;
        public long Hifp;
        public long Dedc;
        public int PoolBp;
        /// <summary>What the pooled fund would have paid above its annual cap (LA-01).</summary>
        public long LaExcess;
        public long Hifmi;
        public long Hifob;
        public long Maf;
        public long MafTilt;
        /// <summary>
        /// The pooled fund recognises the claim's cost (ND-01): designated care, an emergency paid as designated or a
        /// BX-MT-01 delivery. Only recognised cost feeds 大病 / 大额 (CI-01) and BX-IP-02's admission count.
        /// </summary>
        public bool PoolRecognised;

        public readonly bool Failed => MissingKey != NoMissing || BadInput is not null;
    }

    /// <summary>A required parameter; null (and the claim fails with "missing parameter") when none is in force.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static PolicyParam? P(ref Ctx c, int key)
    {
        var p = Opt(ref c, key);
        if (p is null && c.MissingKey == NoMissing) c.MissingKey = key;
        return p;
    }

    /// <summary>
    /// An optional parameter: its absence is itself the rule (e.g. a category not on the tilt list, a regime not yet in
    /// force on the claim's date), never a gap filled by a guess.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static PolicyParam? Opt(ref Ctx c, int key)
    {
        var view = c.View;
        var p = (uint)key < (uint)view.Length ? view[key] : null;
        if (p is not null)
        {
            if (p.Provenance == Provenance.Assumed) c.Assumed = true;
            else if (p.Provenance == Provenance.StatedSupersededText) c.Superseded = true;
        }
        return p;
    }

    /// <summary>Appends a step; <paramref name="what"/> is a catalogue entry (stored by reference, written as its code).</summary>
    private static void Step(ref Ctx c, int rule, TraceWhat what, int p1, int p2, int p3, long @base, long amount,
        int slot = -1, long before = 0, long after = 0)
    {
        ref var s = ref c.Trace.AddUninitialised(); // every field is set below
        s.RuleId = rule;
        s.WhatEntry = what;
        s.Param1 = p1;
        s.Param2 = p2;
        s.Param3 = p3;
        s.Base = @base;
        s.Amount = amount;
        s.Slot = slot;
        s.SlotBefore = before;
        s.SlotAfter = after;
    }

    /// <summary>Running-total increment (CI-01, YK-MA-03): (max(0, B' − d) − max(0, B − d)) × r, half up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long Increment(long before, long after, long deductible, int ratioBp) =>
        FenMath.MulBp(Math.Max(0, after - deductible) - Math.Max(0, before - deductible), ratioBp);

    private static int Bp(PolicyParam p) => checked((int)p.Value);
}
