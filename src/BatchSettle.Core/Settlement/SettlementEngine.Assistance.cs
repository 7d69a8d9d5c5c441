using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;

namespace BatchSettle.Core.Settlement;

/// <summary>§8 medical assistance (YK-MA-03..10): basic then tilted, on year-to-date running totals.</summary>
public sealed partial class SettlementEngine
{
    private const int NoGroup = 99;

    /// <summary>
    /// Emergency care the pooled fund pays as if designated (ND-01's exceptions): BX-IP-04 (Benxi, emergency admission in
    /// the city or filed place), BX-RM-01's emergency row (Benxi, emergency_remote admission) and emergency observation
    /// (BX-RM-02; YK-IP-06 for Yingkou), which has no designation condition.
    /// </summary>
    internal static bool EmergencyAsDesignated(in ClaimIn cl)
    {
        if (cl.MedType == MedType.EmergencyObservation) return true;
        if (cl.Region != Region.Benxi || cl.MedType is not (MedType.Inpatient or MedType.MaternityInpatient)) return false;
        return cl.Setting == CareSetting.EmergencyRemote
            || (cl.Emergency && cl.Setting is CareSetting.Local or CareSetting.FiledRemote);
    }

    private static bool Assistance(ref Ctx c)
    {
        ref readonly var cl = ref c.Claim;
        ref readonly var ps = ref c.Person;
        // YK-MA-03a: inpatient, chronic outpatient and long-term medication (两病); ordinary outpatient is not assisted.
        if (!(FeedsTiers(cl.MedType) || cl.MedType == MedType.TwoDiseases)) return true;
        if (!ps.Hardship.Any()) return true;
        // A designated claim the pooled fund does not recognise (CHR-01's age limit) adds nothing to the base.
        if (!c.PoolRecognised && cl.Designated) return true;
        // YK-MA-03a (v2): only designated care is assisted; emergencies paid as designated count as designated. Any
        // other non-designated claim (a BX-MT-01 delivery included) is not assisted and feeds no running total.
        if (!cl.Designated && !EmergencyAsDesignated(in cl))
        {
            Step(ref c, RuleRef.YkMa03a, TraceWhat.AssistanceNonDesignated, 0, 0, 0, 0, 0);
            return true;
        }

        // YK-MA-06 / YK-MA-02: the most favourable single category held on the settlement date (EL-07, YK-MA-10).
        // Basic groups: 0 = T/O/D (F as D), 1 = E (M, N, S as E). Tilted groups: 0 = T/O, 1 = D (and F), 2 = E.
        int basic = NoGroup, tilt = NoGroup;
        bool holdsI = false;
        for (int i = 0; i < HardshipStarts.AssistanceCount; i++)
        {
            var cat = (HardshipCategory)i;
            if (!ps.Hardship.Holds(cat, cl.EndDate)) continue;
            (int b, int t) = cat switch
            {
                HardshipCategory.T or HardshipCategory.O => (0, 0),
                HardshipCategory.D or HardshipCategory.F => (0, 1),
                HardshipCategory.I => (NoGroup, NoGroup),
                _ => (1, 2),
            };
            holdsI |= cat == HardshipCategory.I;
            basic = Math.Min(basic, b);
            tilt = Math.Min(tilt, t);
        }
        if (basic == NoGroup)
        {
            if (holdsI) Step(ref c, RuleRef.YkMa09, TraceWhat.AssistanceOnApplication, 0, 0, 0, 0, 0);
            return true;
        }
        // The assistance rules are in force from 2023; before that none resolves and nothing is paid.
        var pd = Opt(ref c, ParamKeys.MaBasicDedc + basic);
        if (pd is null) return true;
        if (cl.Setting == CareSetting.Temporary)
        {
            Step(ref c, RuleRef.YkMa07, TraceWhat.AssistanceNotReferred, 0, 0, 0, 0, 0);
            return true;
        }
        var pr = P(ref c, ParamKeys.MaBasicRatio + basic);
        var pc = P(ref c, ParamKeys.MaBasicCap + basic);
        if (pr is null || pc is null) return false;

        long burden = cl.InscpScpAmt - c.Hifp - c.Hifmi - c.Hifob;
        long b0 = c.Acc[AccSlot.AssistBase];
        long b1 = b0 + burden;
        c.Acc[AccSlot.AssistBase] = b1;
        Step(ref c, RuleRef.YkMa03, TraceWhat.AssistanceBase, 0, 0, 0, burden, burden,
            AccSlot.AssistBase, b0, b1);

        long raw = Increment(b0, b1, pd.Value, Bp(pr));
        Step(ref c, pr.RuleRef, TraceWhat.AssistanceBasic, pd.Id, pr.Id, 0, b1, raw);
        long paid = c.Acc[AccSlot.AssistBasicPaid];
        long basicPay = Math.Min(raw, Math.Max(0, pc.Value - paid));
        c.Acc[AccSlot.AssistBasicPaid] = paid + basicPay;
        Step(ref c, pc.RuleRef, TraceWhat.AssistanceBasicCap, pc.Id, 0, 0, raw, basicPay,
            AccSlot.AssistBasicPaid, paid, paid + basicPay);

        long tiltPay = 0;
        if (cl.InProvince)
        {
            var td = P(ref c, ParamKeys.MaTiltDedc + tilt);
            var tr = P(ref c, ParamKeys.MaTiltRatio + tilt);
            var tc = P(ref c, ParamKeys.MaTiltCap + tilt);
            if (td is null || tr is null || tc is null) return false;
            long rest = burden - basicPay;
            long t0 = c.Acc[AccSlot.AssistTiltBase];
            long t1 = t0 + rest;
            c.Acc[AccSlot.AssistTiltBase] = t1;
            long traw;
            if (basic == 0 && cl.MedType == MedType.Inpatient && cl.SpecialDisease == SpecialDisease.Psychiatric)
            {
                // YK-MA-08 (v2): severe mental illness inpatient of T, O, D: the tilted step is the bed-day amount,
                // min(burden left after basic assistance, bed_days × amount), instead of YK-MA-05's deductible and ratio;
                // the stay's remaining burden still enters the tilted running total.
                var bed = P(ref c, ParamKeys.MaPsychBedDay);
                if (bed is null) return false;
                if (cl.BedDays < 0)
                {
                    c.BadInput = Reasons.BedDays;
                    return false;
                }
                traw = Math.Min(rest, cl.BedDays * bed.Value);
                Step(ref c, bed.RuleRef, TraceWhat.AssistancePsychBedDay, bed.Id, 0, 0, cl.BedDays, traw);
            }
            else
            {
                traw = Increment(t0, t1, td.Value, Bp(tr));
            }
            long tpaid = c.Acc[AccSlot.AssistTiltPaid];
            tiltPay = Math.Min(traw, Math.Max(0, tc.Value - tpaid));
            c.Acc[AccSlot.AssistTiltPaid] = tpaid + tiltPay;
            Step(ref c, tr.RuleRef, TraceWhat.AssistanceTiltBase, td.Id, tr.Id, 0, rest, traw,
                AccSlot.AssistTiltBase, t0, t1);
            Step(ref c, tc.RuleRef, TraceWhat.AssistanceTiltCap, tc.Id, 0, 0, traw, tiltPay, AccSlot.AssistTiltPaid, tpaid, tpaid + tiltPay);
        }
        else
        {
            Step(ref c, RuleRef.YkMa05, TraceWhat.AssistanceTiltOutsideProvince, 0, 0, 0, 0, 0);
        }
        c.Maf = basicPay + tiltPay;
        c.MafTilt = tiltPay;
        return true;
    }
}
