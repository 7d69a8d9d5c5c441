using BatchSettle.Core.Domain;
using BatchSettle.Core.Money;
using BatchSettle.Core.Policy;

namespace BatchSettle.Core.Settlement;

/// <summary>§7 second tier: residents 大病 (CI-01..07), employees 大额 (LA-01..03).</summary>
public sealed partial class SettlementEngine
{
    private const string CiTiltDedcBp = "ci.tilt_dedc_bp";

    private bool SecondTier(ref Ctx c)
    {
        // CI-01 (v2): only cost the pooled fund recognises (ND-01) feeds 大病 / 大额.
        if (!FeedsTiers(c.Claim.MedType) || !c.PoolRecognised) return true;
        return c.Claim.InsuType == InsuType.Resident ? Critical(ref c) : LargeAmount(ref c);
    }

    private bool Critical(ref Ctx c)
    {
        ref readonly var cl = ref c.Claim;
        ref readonly var ps = ref c.Person;
        long add = cl.InscpScpAmt - c.Hifp;
        long b0 = c.Acc[AccSlot.CriticalBase];
        long b1 = b0 + add;
        c.Acc[AccSlot.CriticalBase] = b1;
        Step(ref c, RuleRef.Ci01, TraceWhat.CriticalBase, 0, 0, 0, add, add,
            AccSlot.CriticalBase, b0, b1);

        var pd = P(ref c, ParamKeys.CiDedc);
        var pr = P(ref c, ParamKeys.CiRatio);
        if (pd is null || pr is null) return false;
        long best = Increment(b0, b1, pd.Value, Bp(pr));
        Step(ref c, pr.RuleRef, TraceWhat.CriticalGeneral, pd.Id, pr.Id, 0, b1, best);

        // CI-04 hardship tilt (EL-07: from the identity's start date); the most favourable scheme applies.
        PolicyParam? tiltCat = null;
        int tiltIndex = -1;
        for (int i = 0; i < HardshipStarts.AssistanceCount && tiltCat is null; i++)
        {
            if (!ps.Hardship.Holds((HardshipCategory)i, cl.EndDate)) continue;
            var f = Opt(ref c, ParamKeys.CiTiltCat + i);
            if (f is { Value: 1 })
            {
                tiltCat = f;
                tiltIndex = i;
            }
        }
        if (tiltCat is not null)
        {
            // CI-04 (v2): the halving is per category (its provenance differs by city, period and category); an
            // unqualified row, if any, is the fallback.
            int halfKey = _tiltHalfKeys[tiltIndex];
            var half = (halfKey >= 0 ? Opt(ref c, halfKey) : null) ?? P(ref c, ParamKeys.CiTiltDedcBp);
            var tr = P(ref c, ParamKeys.CiTiltRatio);
            if (half is null || tr is null) return false;
            long d = FenMath.MulBp(pd.Value, Bp(half));
            long inc = Increment(b0, b1, d, Bp(tr));
            Step(ref c, tr.RuleRef, TraceWhat.CriticalTilt, tiltCat.Id, half.Id, tr.Id, d, inc);
            best = Math.Max(best, inc);
        }
        // CI-05 Benxi children 0–14 with a listed disease (absent outside Benxi).
        if (cl.SpecialDisease == SpecialDisease.ChildMajor && Opt(ref c, ParamKeys.CiChildMaxAge) is { } maxAge
            && AgeOn(ps.Birth, cl.BeginDate) <= maxAge.Value)
        {
            var cd = P(ref c, ParamKeys.CiChildDedc);
            var cr = P(ref c, ParamKeys.CiChildRatio);
            if (cd is null || cr is null) return false;
            long inc = Increment(b0, b1, cd.Value, Bp(cr));
            Step(ref c, cr.RuleRef, TraceWhat.CriticalChild, maxAge.Id, cd.Id, cr.Id, cd.Value, inc);
            best = Math.Max(best, inc);
        }

        long paid = c.Acc[AccSlot.CriticalPaid];
        long pay;
        if (Opt(ref c, ParamKeys.CiNoCapHardship) is { Value: 1 } noCap && (tiltCat is not null || ps.AssistanceSubsidised))
        {
            pay = best;
            Step(ref c, noCap.RuleRef, TraceWhat.CriticalNoCap, noCap.Id, 0, 0, best, pay,
                AccSlot.CriticalPaid, paid, paid + pay);
        }
        else
        {
            var cap = P(ref c, ParamKeys.CiCap);
            if (cap is null) return false;
            long incentive = 0, zeroPart = 0;
            int incId = 0;
            if (Opt(ref c, ParamKeys.CiIncFreeYears) is { } free)
            {
                var per = P(ref c, ParamKeys.CiIncPerYear);
                var zero = P(ref c, ParamKeys.CiIncZeroPerYear);
                var max = P(ref c, ParamKeys.CiIncMaxBp);
                if (per is null || zero is null || max is null) return false;
                long cont = Math.Max(0, ps.ContinuousYears - free.Value) * per.Value;
                zeroPart = Math.Max(0, ps.ZeroClaimYears) * zero.Value;
                incentive = Math.Min(cont + zeroPart, FenMath.MulBp(cap.Value, Bp(max)));
                incId = per.Id;
                Step(ref c, RuleRef.Ci06, TraceWhat.CriticalIncentives,
                    free.Id, zero.Id, max.Id, cap.Value, incentive);
            }
            long limit = cap.Value + incentive;
            pay = Math.Min(best, Math.Max(0, limit - paid));
            Step(ref c, cap.RuleRef, TraceWhat.CriticalCap, cap.Id, incId, 0, best, pay, AccSlot.CriticalPaid, paid, paid + pay);
            if (zeroPart > 0 && paid + pay > cap.Value && c.Acc[AccSlot.ZeroClaimIncentiveReset] == 0)
            {
                // Once a payment uses incentive amount, the banked zero-claim incentive resets (for the following years).
                c.Acc[AccSlot.ZeroClaimIncentiveReset] = 1;
                Step(ref c, RuleRef.Ci06, TraceWhat.CriticalIncentiveReset, 0, 0, 0, paid + pay, 0,
                    AccSlot.ZeroClaimIncentiveReset, 0, 1);
            }
        }
        c.Acc[AccSlot.CriticalPaid] = paid + pay;
        c.Hifmi = pay;
        return true;
    }

    private static bool LargeAmount(ref Ctx c)
    {
        ref readonly var cl = ref c.Claim;
        ref readonly var ps = ref c.Person;
        long excess = c.LaExcess;
        long b0 = c.Acc[AccSlot.LargeAmountBase];
        c.Acc[AccSlot.LargeAmountBase] = b0 + excess;
        if (excess == 0) return true;
        Step(ref c, RuleRef.La01, TraceWhat.LargeAmountBase, 0, 0, 0, excess, excess,
            AccSlot.LargeAmountBase, b0, b0 + excess);
        var dl = P(ref c, ParamKeys.LaDeadlineMonth);
        if (dl is null) return false;
        // EL-06: premium paid by the deadline → from January 1; later → from the 1st of the month after payment. Tested on
        // the service start, and (v2) for a stay across New Year on January 1 of its settlement year: on
        // max(begndate, January 1) — the settlement year's premium decides, the previous year's plays no part.
        bool covered = false;
        if (ps.LargeAmountPaidDate is { } paidOn)
        {
            var jan1 = new DateOnly(c.Year, 1, 1);
            var deadline = new DateOnly(c.Year, checked((int)dl.Value), 1).AddMonths(1).AddDays(-1);
            var from = paidOn <= deadline ? jan1 : new DateOnly(paidOn.Year, paidOn.Month, 1).AddMonths(1);
            covered = from <= Max(cl.BeginDate, jan1);
        }
        if (!covered)
        {
            Step(ref c, RuleRef.El06, TraceWhat.LargeAmountNotPaid, dl.Id, 0, 0, excess, 0);
            return true;
        }
        var pr = P(ref c, ParamKeys.LaRatio);
        var pc = P(ref c, ParamKeys.LaCap);
        if (pr is null || pc is null) return false;
        long raw = FenMath.MulBp(excess, Bp(pr));
        long paid = c.Acc[AccSlot.LargeAmountPaid];
        long pay = Math.Min(raw, Math.Max(0, pc.Value - paid));
        c.Acc[AccSlot.LargeAmountPaid] = paid + pay;
        Step(ref c, pc.RuleRef, TraceWhat.LargeAmountPay, pr.Id, pc.Id, dl.Id, raw, pay, AccSlot.LargeAmountPaid, paid, paid + pay);
        c.Hifob = pay;
        return true;
    }
}
