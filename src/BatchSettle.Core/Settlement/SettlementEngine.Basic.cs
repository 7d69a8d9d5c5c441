using BatchSettle.Core.Domain;
using BatchSettle.Core.Money;
using BatchSettle.Core.Policy;

namespace BatchSettle.Core.Settlement;

/// <summary>§6 basic pooled fund.</summary>
public sealed partial class SettlementEngine
{
    private const int MonthSlot0 = AccSlot.ChronicPaidJanuary;

    private bool Basic(ref Ctx c)
    {
        ref readonly var cl = ref c.Claim;
        return cl.MedType switch
        {
            MedType.Inpatient or MedType.MaternityInpatient => Inpatient(ref c),
            MedType.EmergencyObservation => EmergencyObservation(ref c),
            MedType.ChronicOutpatient => Chronic(ref c),
            MedType.Outpatient => Outpatient(ref c),
            MedType.TwoDiseases => cl.InsuType == InsuType.Resident ? TwoDiseases(ref c) : Outpatient(ref c),
            _ => MaternityOutpatient(ref c),
        };
    }

    /// <summary>Inpatient tier (qualifier offset of the ip.* groups): BX-IP-01 / YK-IP-01.</summary>
    internal static int Tier(Region region, HospLevel level, FacKind kind)
    {
        if (region == Region.Benxi)
            return kind == FacKind.Primary ? ParamKeys.Primary : level >= HospLevel.L3 ? ParamKeys.Tertiary : ParamKeys.Secondary;
        if (kind == FacKind.Primary) return ParamKeys.Level1;
        return level switch
        {
            HospLevel.L1 => ParamKeys.Level1,
            HospLevel.L2 => ParamKeys.Level2,
            HospLevel.L3 => ParamKeys.Level3,
            _ => kind == FacKind.General ? ParamKeys.Level3AGeneral : ParamKeys.Level3,
        };
    }

    private static bool Inpatient(ref Ctx c)
    {
        ref readonly var cl = ref c.Claim;
        bool benxi = cl.Region == Region.Benxi;
        bool asLocal = cl.Setting is CareSetting.Local or CareSetting.FiledRemote;
        if (!cl.Designated)
        {
            if (benxi && cl.Setting == CareSetting.EmergencyRemote)
            {
                // BX-RM-01 (v2): the emergency row pays at the referral standard, designated or not.
                Step(ref c, RuleRef.BxRm01, TraceWhat.EmergencyRemoteNonDesignated, 0, 0, 0, 0, 0);
            }
            else if (benxi && cl.Emergency && asLocal)
            {
                Step(ref c, RuleRef.BxIp04, TraceWhat.EmergencyNonDesignated, 0, 0, 0, 0, 0);
            }
            else if (benxi && cl.MedType == MedType.MaternityInpatient && cl.Setting == CareSetting.Local)
            {
                // BX-MT-01: in the city only; outside it the remote-care rules (and ND-01) apply.
                return NonDesignatedDelivery(ref c);
            }
            else
            {
                c.PoolRecognised = false;
                Step(ref c, RuleRef.NonDesignated, TraceWhat.NonDesignated, 0, 0, 0, cl.InscpScpAmt, 0);
                return true;
            }
        }
        if (!asLocal && UniversityLocal(ref c))
        {
            asLocal = true;
        }
        if (!asLocal)
        {
            int q = cl.Setting == CareSetting.Temporary ? 1 : 0;
            var rd = P(ref c, ParamKeys.RemoteDedc + q);
            var rr = P(ref c, ParamKeys.RemoteRatio + q);
            if (rd is null || rr is null) return false;
            Step(ref c, rd.RuleRef, q == 0 ? TraceWhat.RemoteReferred : TraceWhat.RemoteTemporary,
                rd.Id, rr.Id, 0, rd.Value, 0);
            return PoolPay(ref c, rr.RuleRef, rd.Value, rd.Id, Bp(rr), rr.Id, -1, 0, 0);
        }

        int tier = Tier(cl.Region, cl.HospLevel, cl.FacKind);
        var pd = P(ref c, ParamKeys.IpDedc + tier);
        var pr = P(ref c, ParamKeys.IpRatio + tier);
        if (pd is null || pr is null) return false;
        long dedc = pd.Value;
        Step(ref c, pd.RuleRef, TraceWhat.LevelDeductible, pd.Id, pr.Id, 0, pd.Value, 0);

        int segLow = -1;
        long segPoint = 0;
        int segId = 0;
        if (tier == ParamKeys.Level3AGeneral)
        {
            var sl = P(ref c, ParamKeys.IpSegRatioLow);
            var sp = P(ref c, ParamKeys.IpSegPoint);
            if (sl is null || sp is null) return false;
            segLow = Bp(sl);
            segPoint = sp.Value;
            segId = sp.Id;
        }

        if (benxi && cl.Setting == CareSetting.Local)
        {
            // BX-IP-02: the n-th in-city admission; every in-city admission settled with benefits counts.
            var step = P(ref c, ParamKeys.IpDedcStep);
            var floor = P(ref c, ParamKeys.IpDedcFloor);
            if (step is null || floor is null) return false;
            long before = c.Acc[AccSlot.LocalAdmissions];
            long n = before + 1;
            long reduced = Math.Min(dedc, Math.Max(floor.Value, dedc - (step.Value * (n - 1))));
            c.Acc[AccSlot.LocalAdmissions] = n;
            Step(ref c, RuleRef.BxIp02, TraceWhat.NthAdmission, step.Id, floor.Id, pd.Id, dedc, reduced,
                AccSlot.LocalAdmissions, before, n);
            dedc = reduced;
        }
        else if (!benxi && cl.Setting == CareSetting.Local && cl.TransferFromLevel is { } from)
        {
            // YK-IP-02: lower → higher pays the difference of the deductibles; higher → lower none.
            var fd = P(ref c, ParamKeys.IpDedc + Tier(Region.Yingkou, from, FacKind.General));
            if (fd is null) return false;
            long diff = Math.Max(0, dedc - fd.Value);
            Step(ref c, RuleRef.YkIp02, TraceWhat.TransferDeductible, fd.Id, pd.Id, 0,
                dedc, diff);
            dedc = diff;
        }
        // BX-IP-03 (v2): tb / hepatitis / psychiatric in a specialty hospital or a facility the city approved for the
        // disease (dise_qualified). YK-IP-03 (v2): tb / psychiatric / infectious (hepatitis included) in a designated
        // specialty hospital; no approved-facility alternative.
        bool specialtyDisease = benxi
            ? cl.SpecialDisease is SpecialDisease.Tuberculosis or SpecialDisease.Hepatitis or SpecialDisease.Psychiatric
            : cl.SpecialDisease is SpecialDisease.Tuberculosis or SpecialDisease.Hepatitis or SpecialDisease.Psychiatric
                or SpecialDisease.Infectious;
        if (specialtyDisease && (cl.FacKind == FacKind.Specialty || (benxi && cl.DiseQualified)))
        {
            Step(ref c, benxi ? RuleRef.BxIp03 : RuleRef.YkIp03, TraceWhat.SpecialtyNoDeductible,
                0, 0, 0, dedc, 0);
            dedc = 0;
        }
        return PoolPay(ref c, pr.RuleRef, dedc, pd.Id, Bp(pr), pr.Id, segLow, segPoint, segId);
    }

    /// <summary>
    /// BX-MT-01: delivery in a non-designated facility in the city: actual policy-scope cost up to a fixed amount, no
    /// deductible. (v2) It is an in-city admission the pooled fund recognises, so it counts for BX-IP-02's n-th admission
    /// (it has no deductible of its own to decrease); it is not assisted (YK-MA-03a).
    /// </summary>
    private static bool NonDesignatedDelivery(ref Ctx c)
    {
        var cap = P(ref c, ParamKeys.MtNondesigCap);
        if (cap is null) return false;
        long nBefore = c.Acc[AccSlot.LocalAdmissions];
        c.Acc[AccSlot.LocalAdmissions] = nBefore + 1;
        Step(ref c, RuleRef.BxIp02, TraceWhat.NonDesignatedDeliveryAdmission, cap.Id, 0, 0, 0, 0,
            AccSlot.LocalAdmissions, nBefore, nBefore + 1);
        long raw = Math.Min(c.Claim.InscpScpAmt, cap.Value);
        Step(ref c, cap.RuleRef, TraceWhat.NonDesignatedDelivery, cap.Id, 0, 0,
            c.Claim.InscpScpAmt, raw);
        c.PoolBp = FenMath.FullBp;
        return ApplyPoolCap(ref c, raw);
    }

    /// <summary>
    /// BX-RM-03 / YK-IP-07 (v2): a university student's admission (21, 52) at a designated facility outside the city is
    /// paid at the local standard (the level table, as a filed_remote admission: it neither counts nor decreases under
    /// BX-IP-02). In force when rm.university_local resolves on the settlement date.
    /// </summary>
    private static bool UniversityLocal(ref Ctx c)
    {
        ref readonly var cl = ref c.Claim;
        if (!c.Person.University || !cl.Designated
            || cl.Setting is not (CareSetting.Referred or CareSetting.Temporary or CareSetting.EmergencyRemote))
            return false;
        var f = Opt(ref c, ParamKeys.RmUniversityLocal);
        if (f is not { Value: 1 }) return false;
        Step(ref c, f.RuleRef, TraceWhat.UniversityLocalStandard, f.Id, 0, 0, 0, 0);
        return true;
    }

    private static bool EmergencyObservation(ref Ctx c)
    {
        // Emergency observation is emergency care by nature: no designation check (INTERPRETATIONS BX-RM-02).
        int q = c.Claim.Setting == CareSetting.Local ? 0 : 1;
        var pd = P(ref c, ParamKeys.EobsDedc + q);
        var pr = P(ref c, ParamKeys.EobsRatio + q);
        if (pd is null || pr is null) return false;
        Step(ref c, pd.RuleRef, q == 0 ? TraceWhat.EmergencyObservationCity : TraceWhat.EmergencyObservationOutside,
            pd.Id, pr.Id, 0, pd.Value, 0);
        return PoolPay(ref c, pr.RuleRef, pd.Value, pd.Id, Bp(pr), pr.Id, -1, 0, 0);
    }

    /// <summary>
    /// Deductible, ratio (segmented when <paramref name="segLow"/> ≥ 0: cost up to <paramref name="segPoint"/> at the low
    /// ratio, above it at <paramref name="ratio"/>), then the annual pooled cap.
    /// </summary>
    private static bool PoolPay(ref Ctx c, int rule, long dedc, int dedcId, int ratio, int ratioId, int segLow, long segPoint, int segId)
    {
        long inscp = c.Claim.InscpScpAmt;
        long act = Math.Min(inscp, dedc);
        long raw;
        if (segLow >= 0)
        {
            // YK-IP-01 3A general: the segment point is on the cost, not on the amount above the deductible.
            long low = FenMath.MulBp(Math.Max(0, Math.Min(inscp, segPoint) - dedc), segLow);
            long high = FenMath.MulBp(Math.Max(0, inscp - Math.Max(segPoint, dedc)), ratio);
            raw = low + high;
            c.PoolBp = inscp > segPoint ? ratio : segLow;
            Step(ref c, rule, TraceWhat.SegmentLow, dedcId, segId, 0,
                Math.Max(0, Math.Min(inscp, segPoint) - dedc), low);
            Step(ref c, rule, TraceWhat.SegmentHigh, dedcId, segId, ratioId,
                Math.Max(0, inscp - Math.Max(segPoint, dedc)), high);
        }
        else
        {
            raw = FenMath.MulBp(inscp - act, ratio);
            c.PoolBp = ratio;
            Step(ref c, rule, TraceWhat.PooledFund, dedcId, ratioId, 0, inscp - act, raw);
        }
        c.Dedc = act;
        return ApplyPoolCap(ref c, raw);
    }

    /// <summary>BX-IP-05 / YK-IP-04: annual pooled cap; what it cuts off is the 大额 base (LA-01).</summary>
    private static bool ApplyPoolCap(ref Ctx c, long raw)
    {
        var cap = P(ref c, ParamKeys.PoolCap);
        if (cap is null) return false;
        long before = c.Acc[AccSlot.PoolPaid];
        long pay = Math.Min(raw, Math.Max(0, cap.Value - before));
        c.Acc[AccSlot.PoolPaid] = before + pay;
        c.Hifp = pay;
        c.LaExcess = raw - pay;
        Step(ref c, cap.RuleRef, TraceWhat.PoolCap, cap.Id, 0, 0, raw, pay, AccSlot.PoolPaid, before, before + pay);
        return true;
    }

    /// <summary>
    /// §6.7 CHR-01 (v2) chronic / special disease outpatient, as data: one yearly deductible shared by all of a person's
    /// special diseases, the disease's ratio, then the disease's own monthly limit (限额 stated, 定额 read as a monthly
    /// limit too), then the annual pooled cap. One limit per disease, never shared: each limited disease has its own
    /// accumulator lane (<see cref="AccSlot.ChronicPaidJanuary"/>).
    /// </summary>
    private bool Chronic(ref Ctx c)
    {
        ref readonly var cl = ref c.Claim;
        if (!cl.Designated)
        {
            c.PoolRecognised = false;
            Step(ref c, RuleRef.NonDesignated, TraceWhat.NonDesignated, 0, 0, 0, cl.InscpScpAmt, 0);
            return true;
        }
        string code = cl.ChronicCode!;
        int disease = Codes.ChronicIndex(code);
        if (string.Equals(code, ChildAutism, StringComparison.Ordinal))
        {
            // CHR-01: childhood autism only to the age limit (whole years on begndate, 以下 inclusive); an older child's
            // claim is settled with every fund 0, as a claim the pooled fund does not recognise.
            var age = P(ref c, ParamKeys.ChrAutismMaxAge);
            if (age is null) return false;
            int years = AgeOn(c.Person.Birth, cl.BeginDate);
            if (years > age.Value)
            {
                c.PoolRecognised = false;
                Step(ref c, age.RuleRef, TraceWhat.ChronicAgeLimit, age.Id, 0, 0, years, 0);
                return true;
            }
        }
        long inscp = cl.InscpScpAmt;
        int ratioKey = _chronicRatioKeys[disease];
        var pr = ratioKey < 0 ? null : P(ref c, ratioKey);
        if (pr is null)
        {
            c.MissingKey = DynamicMissing;
            c.MissingName = ChrRatio;
            c.MissingQualifier = code;
            return false;
        }
        var pd = P(ref c, ParamKeys.ChrDedc);
        if (pd is null) return false;
        long before = c.Acc[AccSlot.ChronicDedcUsed];
        long act = Math.Min(inscp, Math.Max(0, pd.Value - before));
        c.Acc[AccSlot.ChronicDedcUsed] = before + act;
        Step(ref c, pd.RuleRef, TraceWhat.ChronicDeductible, pd.Id, 0, 0, inscp, act,
            AccSlot.ChronicDedcUsed, before, before + act);
        int ratio = Bp(pr);
        long raw = FenMath.MulBp(inscp - act, ratio);
        c.PoolBp = ratio;
        c.Dedc = act;
        Step(ref c, pr.RuleRef, TraceWhat.ChronicRatio, pr.Id, 0, 0, inscp - act, raw);

        int limitKey = _chronicLimitKeys[disease];
        var pl = limitKey < 0 ? null : Opt(ref c, limitKey);
        if (pl is null) return ApplyPoolCap(ref c, raw); // no monthly limit (e.g. stroke_sequelae): annual cap only

        const long mask = (1L << AccSlot.ChronicLaneBits) - 1;
        if (pl.Value > mask)
        {
            c.BadInput = Reasons.ChronicLimitTooLarge;
            return false;
        }
        int lane = -1;
        for (int k = 0; k < AccSlot.ChronicLanes && lane < 0; k++)
        {
            long key = c.Acc[AccSlot.ChronicLaneKey0 + k];
            if (key == disease + 1) lane = k;
            else if (key == 0)
            {
                c.Acc[AccSlot.ChronicLaneKey0 + k] = disease + 1;
                lane = k;
            }
        }
        if (lane < 0)
        {
            c.BadInput = Reasons.ChronicLanes;
            return false;
        }
        int slot = MonthSlot0 + cl.EndDate.Month - 1;
        int shift = lane * AccSlot.ChronicLaneBits;
        long packed = c.Acc[slot];
        long used = (packed >> shift) & mask;
        long limited = Math.Min(raw, Math.Max(0, pl.Value - used));
        if (!ApplyPoolCap(ref c, limited)) return false;
        c.Acc[slot] = packed + (c.Hifp << shift);
        Step(ref c, pl.RuleRef, TraceWhat.ChronicDiseaseMonthLimit, pl.Id, 0, 0, raw, c.Hifp,
            slot, used, used + c.Hifp);
        return true;
    }

    private const string ChildAutism = "child_autism";
    private const string ChrRatio = "chr.ratio";
    private const string ChrMonthLimit = "chr.month_limit";

    /// <summary>op.ratio qualifier offset (BX-OP-01 facility mapping; filed-remote: no TCM / specialty distinction).</summary>
    internal static int OutpatientClass(HospLevel level, FacKind kind, bool filedRemote)
    {
        const int tertiaryGeneral = 0, tertiaryTcm = 1, secondary = 2, basic = 3;
        if (kind is FacKind.County or FacKind.Primary) return basic;
        if (filedRemote) return level >= HospLevel.L3 ? tertiaryGeneral : secondary;
        if (kind == FacKind.Specialty) return basic;
        if (level >= HospLevel.L3) return kind == FacKind.Tcm ? tertiaryTcm : tertiaryGeneral;
        return secondary;
    }

    /// <summary>§6.5 outpatient pooling (BX-OP-01, YK-OP-01, employee 门诊共济 assumed): own yearly deductible and cap.</summary>
    private static bool Outpatient(ref Ctx c)
    {
        ref readonly var cl = ref c.Claim;
        if (!cl.Designated || cl.Setting is not (CareSetting.Local or CareSetting.FiledRemote))
        {
            Step(ref c, RuleRef.Outpatient, TraceWhat.OutpatientNotPooled, 0, 0, 0,
                cl.InscpScpAmt, 0);
            return true;
        }
        var pd = P(ref c, ParamKeys.OpDedc);
        var pc = P(ref c, ParamKeys.OpCap);
        var pr = P(ref c, ParamKeys.OpRatio + OutpatientClass(cl.HospLevel, cl.FacKind, cl.Setting == CareSetting.FiledRemote));
        if (pd is null || pc is null || pr is null) return false;
        long inscp = cl.InscpScpAmt;
        long dBefore = c.Acc[AccSlot.OutpatientDedcUsed];
        long act = Math.Min(inscp, Math.Max(0, pd.Value - dBefore));
        c.Acc[AccSlot.OutpatientDedcUsed] = dBefore + act;
        Step(ref c, pd.RuleRef, TraceWhat.OutpatientDeductible, pd.Id, 0, 0, inscp, act, AccSlot.OutpatientDedcUsed, dBefore, dBefore + act);
        int ratio = Bp(pr);
        long raw = FenMath.MulBp(inscp - act, ratio);
        Step(ref c, pr.RuleRef, TraceWhat.OutpatientRatio, pr.Id, 0, 0, inscp - act, raw);
        long before = c.Acc[AccSlot.OutpatientPaid];
        long pay = Math.Min(raw, Math.Max(0, pc.Value - before));
        c.Acc[AccSlot.OutpatientPaid] = before + pay;
        Step(ref c, pc.RuleRef, TraceWhat.OutpatientCap, pc.Id, 0, 0, raw, pay,
            AccSlot.OutpatientPaid, before, before + pay);
        c.Hifp = pay;
        c.Dedc = act;
        c.PoolBp = ratio;
        if (!YingkouResidentCap(ref c)) return false;
        c.Acc[AccSlot.OutpatientPaid] = before + c.Hifp;
        return true;
    }

    /// <summary>§6.6 两病 drugs of residents: no deductible, ratio, hypertension cap and a combined diabetes cap.</summary>
    private static bool TwoDiseases(ref Ctx c)
    {
        ref readonly var cl = ref c.Claim;
        if (!cl.Designated)
        {
            c.PoolRecognised = false;
            Step(ref c, RuleRef.NonDesignated, TraceWhat.NonDesignated, 0, 0, 0, cl.InscpScpAmt, 0);
            return true;
        }
        var pr = P(ref c, ParamKeys.TbRatio);
        var ph = P(ref c, ParamKeys.TbCap);
        var pdia = P(ref c, ParamKeys.TbCap + 1);
        if (pr is null || ph is null || pdia is null) return false;
        bool hyp = cl.SpecialDisease == SpecialDisease.Hypertension;
        int ratio = Bp(pr);
        long raw = FenMath.MulBp(cl.InscpScpAmt, ratio);
        Step(ref c, pr.RuleRef, TraceWhat.TwoDiseasesRatio, pr.Id, 0, 0, cl.InscpScpAmt, raw);
        long h = c.Acc[AccSlot.TwoDiseaseHypertensionPaid];
        long d = c.Acc[AccSlot.TwoDiseaseDiabetesPaid];
        // The diabetes cap is also the combined cap of a person with both (INTERPRETATIONS BX-2B-01).
        long room = Math.Max(0, pdia.Value - h - d);
        if (hyp) room = Math.Min(room, Math.Max(0, ph.Value - h));
        long pay = Math.Min(raw, room);
        int slot = hyp ? AccSlot.TwoDiseaseHypertensionPaid : AccSlot.TwoDiseaseDiabetesPaid;
        long before = hyp ? h : d;
        c.Acc[slot] = before + pay;
        Step(ref c, pr.RuleRef, hyp ? TraceWhat.TwoDiseasesHypertensionCap : TraceWhat.TwoDiseasesDiabetesCap,
            hyp ? ph.Id : pdia.Id, pdia.Id, 0, raw, pay, slot, before, before + pay);
        c.Hifp = pay;
        c.PoolBp = ratio;
        return true;
    }

    /// <summary>51 prenatal / 53 family planning: employees BX-MT-02; residents BX-MT-03 (Benxi, assumed) / YK-IP-05.</summary>
    private static bool MaternityOutpatient(ref Ctx c)
    {
        ref readonly var cl = ref c.Claim;
        if (!cl.Designated)
        {
            c.PoolRecognised = false;
            Step(ref c, RuleRef.NonDesignated, TraceWhat.NonDesignated, 0, 0, 0, cl.InscpScpAmt, 0);
            return true;
        }
        long inscp = cl.InscpScpAmt;
        if (cl.InsuType == InsuType.Employee)
        {
            var p = P(ref c, ParamKeys.MtOpRatio);
            if (p is null) return false;
            if (c.Person.NotMaternityInsured)
            {
                // BX-MT-02 (v2): insured only in basic employee insurance (maternity_insured = false): the employee
                // outpatient-pooling ratio by facility (EMP-OP-01), still without deductible or cap.
                var er = P(ref c, ParamKeys.OpRatio + OutpatientClass(cl.HospLevel, cl.FacKind, cl.Setting == CareSetting.FiledRemote));
                if (er is null) return false;
                return Flat(ref c, p.RuleRef, TraceWhat.EmployeeMaternityOutpatient, er, inscp);
            }
            return Flat(ref c, p.RuleRef, TraceWhat.EmployeeMaternityOutpatient, p, inscp);
        }
        if (cl.Region == Region.Benxi)
        {
            var rule = P(ref c, ParamKeys.MtResOpRule);
            var p = P(ref c, ParamKeys.OpRatio + OutpatientClass(cl.HospLevel, cl.FacKind, cl.Setting == CareSetting.FiledRemote));
            if (rule is null || p is null) return false;
            return Flat(ref c, RuleRef.BxMt03, TraceWhat.ResidentMaternityOutpatient, p, inscp);
        }
        int tier = Tier(cl.Region, cl.HospLevel, cl.FacKind);
        var pr = P(ref c, ParamKeys.IpRatio + tier);
        if (pr is null) return false;
        if (tier != ParamKeys.Level3AGeneral)
            return Flat(ref c, RuleRef.YkIp05, TraceWhat.MaternityOutpatientLevel, pr, inscp);
        var sl = P(ref c, ParamKeys.IpSegRatioLow);
        var sp = P(ref c, ParamKeys.IpSegPoint);
        if (sl is null || sp is null) return false;
        long low = FenMath.MulBp(Math.Min(inscp, sp.Value), Bp(sl));
        long high = FenMath.MulBp(Math.Max(0, inscp - sp.Value), Bp(pr));
        c.Hifp = low + high;
        c.PoolBp = inscp > sp.Value ? Bp(pr) : Bp(sl);
        Step(ref c, RuleRef.YkIp05, TraceWhat.MaternityOutpatientSegmented, sl.Id, sp.Id, pr.Id, inscp, c.Hifp);
        return YingkouResidentCap(ref c);
    }

    private static bool Flat(ref Ctx c, int rule, TraceWhat what, PolicyParam ratio, long inscp)
    {
        int bp = Bp(ratio);
        c.Hifp = FenMath.MulBp(inscp, bp);
        c.PoolBp = bp;
        Step(ref c, rule, what, ratio.Id, 0, 0, inscp, c.Hifp);
        return YingkouResidentCap(ref c);
    }

    /// <summary>
    /// YK-IP-04 (v2): Yingkou residents' 60,000 annual cap covers outpatient (11) and maternity outpatient (51, 53)
    /// payments too — they count toward it and are limited by what remains of it. Other claims: unchanged.
    /// </summary>
    private static bool YingkouResidentCap(ref Ctx c)
    {
        ref readonly var cl = ref c.Claim;
        if (cl.Region != Region.Yingkou || cl.InsuType != InsuType.Resident) return true;
        if (cl.MedType is not (MedType.Outpatient or MedType.MaternityOutpatient or MedType.FamilyPlanning)) return true;
        long excess = c.LaExcess;
        if (!ApplyPoolCap(ref c, c.Hifp)) return false;
        c.LaExcess = excess; // outpatient feeds no 大额 / 大病 base
        return true;
    }
}
