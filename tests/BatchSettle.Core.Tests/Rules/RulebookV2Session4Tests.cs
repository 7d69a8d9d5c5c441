using BatchSettle.Core.Domain;
using BatchSettle.Core.Settlement;
using FsCheck.Xunit;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Rules;

/// <summary>
/// The rules of POLICY.md v2 that session 3 left unbuilt (docs/NOTES.md "Rulebook v2 (session 4)"): EL-02 Yingkou
/// students, late job loss under the v2 counting (EL-02, EL-03, EL-04), EL-06's January-1 test for a stay across New
/// Year, the per-insutype running totals of two rows in one year (EL-01), and CHR-01's 定点供药 deductible as shipped.
/// Every number is hand-computed in the comments from sql/policy/params.csv.
/// </summary>
public class RulebookV2Session4Tests
{
    private static SettlementOut At(PersonIn p, string begin, string end, Region region, long inscp = 500_000,
        InsuType insu = InsuType.Resident, HospLevel lv = HospLevel.L2)
    {
        var c = Claim(region, insu, lv: lv, inscp: inscp, end: end, begin: begin);
        PersonYearState s = default;
        return Settle(c, p, ref s);
    }

    // ---- EL-02 (v2) Yingkou students ----

    [Fact]
    [Trait("Rule", "EL-02")]
    public void EL_02_YingkouStudent_PaidInItsOwnYearFromSeptember_CoveredFromSeptember1()
    {
        // Row 2024, student, first enrolment paid 2024-09-10 (in its own year, on or after 1 September, #370 = month 9):
        // benefit start 2024-09-01 ("参保当年9月1日至12月31日视同缴费" [001:40]), no waiting period. A stay beginning
        // 2024-08-31 is rejected EL-02; one beginning 2024-09-01 is covered: Yingkou level 2, 5,000 policy-scope:
        // (5,000 − 500) × 75% = 3,375.
        var p = Person(Region.Yingkou, year: 2024, birth: "2010-03-01", kind: EnrolKind.Student, paid: "2024-09-10");
        var early = At(p, "2024-08-31", "2024-09-04", Region.Yingkou);
        Assert.Equal((SettlementStatus.Rejected, "EL-02"), (early.Status, early.Reason));
        var ok = At(p, "2024-09-01", "2024-09-04", Region.Yingkou);
        Assert.Equal(SettlementStatus.Settled, ok.Status);
        Assert.Equal(Y(3_375), ok.HifpPay);
    }

    [Fact]
    [Trait("Rule", "EL-02")]
    public void EL_02_YingkouStudent_PaidBeforeItsYear_CoveredFromJanuary1_PaidInOwnYearBeforeSeptember_Waits()
    {
        // Row 2024 paid 2023-10-20 (the students' collection period for the following year) → 2024-01-01.
        var before = Person(Region.Yingkou, year: 2024, birth: "2010-03-01", kind: EnrolKind.Student, paid: "2023-10-20");
        Assert.Equal(SettlementStatus.Settled, At(before, "2024-01-01", "2024-01-05", Region.Yingkou).Status);
        // Row 2024 paid 2024-03-01 (own year, before September: outside the students' period, INTERPRETATIONS) → the
        // EL-02 waiting period: 2024-03-01 + 60 days = 2024-04-30.
        var spring = Person(Region.Yingkou, year: 2024, birth: "2010-03-01", kind: EnrolKind.Student, paid: "2024-03-01");
        Assert.Equal("EL-02", At(spring, "2024-04-29", "2024-05-03", Region.Yingkou).Reason);
        Assert.Equal(SettlementStatus.Settled, At(spring, "2024-04-30", "2024-05-03", Region.Yingkou).Status);
    }

    [Fact]
    [Trait("Rule", "EL-02")]
    public void EL_02_YingkouStudent_PreviousAutumnClaim_CoveredAndSettledInTheEarlierYear()
    {
        // Row 2025 paid 2024-09-10 (on or after 1 September of 2024), no row for 2024 (the runner then passes the 2025
        // row for a 2024 claim). A stay 2024-10-01..2024-10-10 begins on or after 2024-09-01: covered, rule EL-02, and
        // settles in 2024 (result year 2024) with 2024's parameters: level 2 (5,000 − 500) × 75% = 3,375.
        var row2025 = Person(Region.Yingkou, year: 2025, birth: "2010-03-01", kind: EnrolKind.Student, paid: "2024-09-10");
        var autumn = At(row2025, "2024-10-01", "2024-10-10", Region.Yingkou);
        Assert.Equal(SettlementStatus.Settled, autumn.Status);
        Assert.Equal(2024, autumn.Year);
        Assert.Equal(Y(3_375), autumn.HifpPay);
        // A stay beginning 2024-08-28 (before 1 September) is rejected EL-02.
        Assert.Equal("EL-02", At(row2025, "2024-08-28", "2024-09-03", Region.Yingkou).Reason);
        // A row of 2025 paid 2024-08-20 (before 1 September of 2024) covers no 2024 claim: EL-01 (no row of the year).
        var paidAugust = Person(Region.Yingkou, year: 2025, birth: "2010-03-01", kind: EnrolKind.Student, paid: "2024-08-20");
        Assert.Equal("EL-01", At(paidAugust, "2024-10-01", "2024-10-10", Region.Yingkou).Reason);
        // The first such autumn is 2020 (rule in force from 2020-01-01): a 2021 row paid 2020-09-15 covers 2020-11-02.
        var row2021 = Person(Region.Yingkou, year: 2021, birth: "2010-03-01", kind: EnrolKind.Student, paid: "2020-09-15");
        Assert.Equal(SettlementStatus.Settled, At(row2021, "2020-11-02", "2020-11-06", Region.Yingkou).Status);
    }

    [Fact]
    [Trait("Rule", "EL-02")]
    public void EL_02_YingkouStudent_PreviousAutumnClaims_RunAgainstTheEarlierYearsRunningTotals()
    {
        // Two previous-autumn stays of a 2025 student row, both settled in 2024 on the 2024 state: the 大病 base of
        // 2024 takes both burdens. Level 3A general (segmented), 30,000 each: deductible 700; (5,000 − 700) × 60% = 2,580
        // + (30,000 − 5,000) × 70% = 17,500 → 20,080; burden 30,000 − 20,080 = 9,920 each → 大病 base 19,840 after the
        // second; 大病 (13,500 deductible assumed, 60%): (19,840 − 13,500) × 60% = 3,804 on the second claim.
        var row2025 = Person(Region.Yingkou, year: 2025, birth: "2010-03-01", kind: EnrolKind.Student, paid: "2024-09-10");
        PersonYearState s2024 = default;
        var c1 = Claim(Region.Yingkou, lv: HospLevel.L3A, inscp: Y(30_000), begin: "2024-09-15", end: "2024-09-25", id: "A1");
        var c2 = Claim(Region.Yingkou, lv: HospLevel.L3A, inscp: Y(30_000), begin: "2024-11-02", end: "2024-11-12", id: "A2");
        var r1 = Settle(c1, row2025, ref s2024);
        var r2 = Settle(c2, row2025, ref s2024);
        Assert.Equal((Y(20_080), 0L), (r1.HifpPay, r1.HifmiPay));
        Assert.Equal((Y(20_080), Y(3_804)), (r2.HifpPay, r2.HifmiPay));
        Assert.Equal(Y(19_840), s2024[AccSlot.CriticalBase]);
        Assert.Equal((2024, 2024), (r1.Year, r2.Year));
    }

    // ---- late job loss under the v2 counting (EL-02, EL-03, EL-04) ----

    [Fact]
    [Trait("Rule", "EL-03")]
    public void EL_03_JobLoss_WithinThreeMonthsCountedFromTheDayAfterTheOldCover()
    {
        // prev_cover_end 2024-02-29 → P = 2024-03-01; "within 3 months" = before 2024-06-01 (§4 counting). Paid
        // 2024-05-30: within → covered from 2024-03-01. (The v1 code took 2024-02-29 + 3 months = 2024-05-29 as the
        // last day and made this payment late.)
        var p = Person(Region.Benxi, kind: EnrolKind.JobLoss, paid: "2024-05-30");
        p.PrevCoverEnd = D("2024-02-29");
        Assert.Equal(SettlementStatus.Settled, At(p, "2024-03-05", "2024-03-10", Region.Benxi).Status);
        Assert.Equal("EL-03", At(p, "2024-02-29", "2024-03-10", Region.Benxi).Reason);
    }

    [Fact]
    [Trait("Rule", "EL-03")]
    public void EL_03_JobLossLaterThanThreeMonths_Before2025_CalendarMonthsFromThePaymentMonth()
    {
        // prev_cover_end 2024-01-31 → P = 2024-02-01; within 3 months = before 2024-05-01. Paid 2024-05-15: late →
        // 3-month waiting period, the payment month the first: May, June, July → benefits from 2024-08-01.
        var p = Person(Region.Benxi, kind: EnrolKind.JobLoss, paid: "2024-05-15");
        p.PrevCoverEnd = D("2024-01-31");
        Assert.Equal("EL-03", At(p, "2024-07-31", "2024-08-04", Region.Benxi).Reason);
        Assert.Equal(SettlementStatus.Settled, At(p, "2024-08-01", "2024-08-04", Region.Benxi).Status);
    }

    [Fact]
    [Trait("Rule", "EL-04")]
    public void EL_04_JobLossLaterThanThreeMonths_From2025_ThreeMonthsFromThePaymentDate()
    {
        // Benxi row of 2025: EL-04 supersedes EL-03. prev_cover_end 2025-01-31, paid 2025-05-15 (late): fixed 3 months
        // from 2025-05-15 → benefits from 2025-08-15 (never calendar months from 2025).
        var p = Person(Region.Benxi, year: 2025, kind: EnrolKind.JobLoss, paid: "2025-05-15");
        p.PrevCoverEnd = D("2025-01-31");
        Assert.Equal("EL-04", At(p, "2025-08-14", "2025-08-18", Region.Benxi).Reason);
        Assert.Equal(SettlementStatus.Settled, At(p, "2025-08-15", "2025-08-18", Region.Benxi).Status);
        // Yingkou 2025 the same: 3 months from the payment date.
        var y = Person(Region.Yingkou, year: 2025, kind: EnrolKind.JobLoss, paid: "2025-05-15");
        y.PrevCoverEnd = D("2025-01-31");
        Assert.Equal("EL-04", At(y, "2025-08-14", "2025-08-18", Region.Yingkou).Reason);
        Assert.Equal(SettlementStatus.Settled, At(y, "2025-08-15", "2025-08-18", Region.Yingkou).Status);
    }

    [Fact]
    [Trait("Rule", "EL-02")]
    public void EL_02_JobLossLaterThan90Days_SixtyDayWaitingPeriodFromPayment()
    {
        // prev_cover_end 2024-01-31 → P = 2024-02-01; within 90 days = before 2024-05-01 (Feb 29 + Mar 31 + Apr 30 = 90).
        // Paid 2024-04-30: within → from 2024-02-01. Paid 2024-05-01: late → the general rule, 60 days from payment:
        // 2024-05-01 + 60 days = 2024-06-30 (第十二条 [001:42]).
        var within = Person(Region.Yingkou, kind: EnrolKind.JobLoss, paid: "2024-04-30");
        within.PrevCoverEnd = D("2024-01-31");
        Assert.Equal(SettlementStatus.Settled, At(within, "2024-02-01", "2024-02-05", Region.Yingkou).Status);
        var late = Person(Region.Yingkou, kind: EnrolKind.JobLoss, paid: "2024-05-01");
        late.PrevCoverEnd = D("2024-01-31");
        Assert.Equal("EL-02", At(late, "2024-06-29", "2024-07-03", Region.Yingkou).Reason);
        Assert.Equal(SettlementStatus.Settled, At(late, "2024-06-30", "2024-07-03", Region.Yingkou).Status);
    }

    [Fact]
    [Trait("Rule", "EL-02")]
    public void EL_02_NewbornPaidOnTheSameDayThreeMonthsLater_IsNotWithinThreeMonths()
    {
        // Born 2024-02-10; within 3 months = before 2024-05-10 (§4 counting: P = the birth date). Paid 2024-05-09 →
        // covered from birth; paid 2024-05-10 → 3–12 months: covered from payment, so a stay beginning 2024-05-01 is
        // rejected EL-02.
        var inTime = Person(Region.Yingkou, birth: "2024-02-10", kind: EnrolKind.Newborn, paid: "2024-05-09");
        Assert.Equal(SettlementStatus.Settled, At(inTime, "2024-02-12", "2024-02-20", Region.Yingkou).Status);
        var sameDay = Person(Region.Yingkou, birth: "2024-02-10", kind: EnrolKind.Newborn, paid: "2024-05-10");
        Assert.Equal("EL-02", At(sameDay, "2024-05-01", "2024-05-12", Region.Yingkou).Reason);
        Assert.Equal(SettlementStatus.Settled, At(sameDay, "2024-05-10", "2024-05-12", Region.Yingkou).Status);
    }

    // ---- EL-06 (v2) across New Year ----

    [Fact]
    [Trait("Rule", "EL-06")]
    public void EL_06_StayAcrossNewYear_TestedOnJanuary1OfTheSettlementYear()
    {
        // Benxi employee, centralised 2025 row; stay 2024-12-20..2025-01-10 (covered by EL-01 across New Year), tertiary,
        // 10,000 policy-scope, the pooled cap (80,000) already used: the pooled fund pays 0 and the 大额 base takes what
        // it would have paid, (10,000 − 800) × 88% = 8,096 (BX-EMP-01, assumed).
        //  - 2025 大额 premium paid 2025-03-20 (by March 31) → 大额 from 2025-01-01; tested on max(2024-12-20,
        //    2025-01-01) = 2025-01-01 → covered: 大额 8,096 × 100% = 8,096. (v1: tested on begndate 2024-12-20 → 0.)
        //  - paid 2025-04-15 → from 2025-05-01 > 2025-01-01 → no 大额 (trace EL-06).
        var p = Person(insu: InsuType.Employee, year: 2025);
        p.LargeAmountPaidDate = D("2025-03-20");
        var c = Claim(insu: InsuType.Employee, inscp: Y(10_000), begin: "2024-12-20", end: "2025-01-10");
        PersonYearState s = default;
        s[AccSlot.PoolPaid] = Y(80_000);
        var covered = Settle(c, p, ref s);
        Assert.Equal(SettlementStatus.Settled, covered.Status);
        Assert.Equal((0L, Y(8_096)), (covered.HifpPay, covered.HifobPay));

        p.LargeAmountPaidDate = D("2025-04-15");
        PersonYearState s2 = default;
        s2[AccSlot.PoolPaid] = Y(80_000);
        var trace = new TraceBuffer(64);
        var late = Settle(c, p, ref s2, trace);
        Assert.Equal((0L, 0L), (late.HifpPay, late.HifobPay));
        Assert.Contains(trace.Slice(late.TraceStart, late.TraceCount).ToArray(), t => t.Rule == "EL-06");
    }

    [Fact]
    [Trait("Rule", "EL-06")]
    public void EL_06_StayWithinTheYear_StillTestedOnItsBeginDate()
    {
        // Paid 2025-04-15 → 大额 from 2025-05-01. A stay 2025-04-20..2025-05-10 began before it: no 大额; one
        // 2025-05-02..2025-05-10 gets 8,096 (as above).
        var p = Person(insu: InsuType.Employee, year: 2025);
        p.LargeAmountPaidDate = D("2025-04-15");
        foreach (var (begin, expected) in new[] { ("2025-04-20", 0L), ("2025-05-02", Y(8_096)) })
        {
            PersonYearState s = default;
            s[AccSlot.PoolPaid] = Y(80_000);
            var r = Settle(Claim(insu: InsuType.Employee, inscp: Y(10_000), begin: begin, end: "2025-05-10"), p, ref s);
            Assert.Equal(expected, r.HifobPay);
        }
    }

    // ---- EL-01 (v2) two rows in one year: §6/§7 per insutype, §8/§9 shared ----

    [Fact]
    [Trait("Rule", "EL-01")]
    public void EL_01_TwoRowsInOneYear_EachInsutypeHasItsOwnAdmissionCountButTheBurdenIsThePersons()
    {
        // Benxi 2025. 390 row centralised; 310 row mid_year paid 2025-04-20 → employee from 2025-05-01. The data layer
        // keeps a state per insutype and copies the person-level slots (AccSlot.PersonLevel) between them.
        // April, resident, tertiary, 10,000: 1st in-city admission: (10,000 − 800) × 65% = 5,980; burden 4,020.
        // June, employee, tertiary, 10,000: the employee row's 1st admission: (10,000 − 800) × 88% = 8,096 (the shared
        //   v1 key made it the 2nd: (10,000 − 600) × 88% = 8,272); burden 1,904; the person's burden 4,020 + 1,904 = 5,924
        //   in both states.
        var res = Person(year: 2025);
        res.EmployeeRowStart = D("2025-05-01");
        var emp = Person(insu: InsuType.Employee, year: 2025, kind: EnrolKind.MidYear, paid: "2025-04-20");
        PersonYearState s390 = default, s310 = default;
        var r1 = Settle(Claim(inscp: Y(10_000), begin: "2025-04-05", end: "2025-04-10", id: "R"), res, ref s390);
        AccSlot.CopyPersonLevel(in s390, ref s310);
        var r2 = Settle(Claim(insu: InsuType.Employee, inscp: Y(10_000), begin: "2025-06-05", end: "2025-06-12", id: "E"), emp, ref s310);
        AccSlot.CopyPersonLevel(in s310, ref s390);
        Assert.Equal((Y(5_980), Y(800)), (r1.HifpPay, r1.ActPayDedc));
        Assert.Equal((Y(8_096), Y(800)), (r2.HifpPay, r2.ActPayDedc));
        Assert.Equal((1L, 1L), (s390[AccSlot.LocalAdmissions], s310[AccSlot.LocalAdmissions]));
        Assert.Equal((Y(5_980), Y(8_096)), (s390[AccSlot.PoolPaid], s310[AccSlot.PoolPaid]));
        Assert.Equal((Y(5_924), Y(5_924)), (s390[AccSlot.WarningBurden], s310[AccSlot.WarningBurden]));
    }

    [Fact]
    public void AccSlot_PersonLevelSlots_AreTheAssistanceAndEarlyWarningSlots()
    {
        int[] shared = [AccSlot.AssistBase, AccSlot.AssistBasicPaid, AccSlot.AssistTiltBase, AccSlot.AssistTiltPaid, AccSlot.WarningBurden, AccSlot.AlertsRaised];
        for (int i = 0; i < AccSlot.Count; i++) Assert.Equal(shared.Contains(i), AccSlot.PersonLevel(i));
    }

    /// <summary>
    /// EL-01 two rows in one year, as the runner keeps them: whatever claims the other insutype has, every §6/§7 amount of
    /// a claim (pooled fund, deductible, ratio, 大病, 大额) is the one it gets when its insutype's claims are settled
    /// alone, the per-insutype slots end equal to that run's, and the person-level totals are the person's: equal in
    /// both states, and the assistance paid slots sum every claim's assistance. With no claim of the other insutype the
    /// split run is the plain one, slot for slot (a person with one insutype settles exactly as before).
    /// </summary>
    [Property(MaxTest = 200)]
    public void EL_01_Property_TwoInsutypesKeepTheirOwnPoolAndSecondTierTotals(int seed)
    {
        var (pr, cr) = BatchSettle.Core.Tests.Settlement.ClaimGenerator.Generate(seed);
        var (pe, ce) = BatchSettle.Core.Tests.Settlement.ClaimGenerator.Generate(unchecked((seed * 31) + 7));
        pr.InsuType = InsuType.Resident;
        pr.LargeAmountPaidDate = null;
        pe.InsuType = InsuType.Employee;
        pe.Region = pr.Region;
        pe.Year = pr.Year;
        pe.LargeAmountPaidDate ??= new DateOnly(pr.Year, 1, 10);
        if (pe.LargeAmountPaidDate is { } lp && lp.Year != pr.Year) pe.LargeAmountPaidDate = new DateOnly(pr.Year, lp.Month, 5);
        if (seed % 5 == 0) ce = [];
        for (int i = 0; i < cr.Length; i++) { cr[i].InsuType = InsuType.Resident; cr[i].SetlId = "R" + i.ToString("D3", null); }
        for (int i = 0; i < ce.Length; i++)
        {
            ce[i].InsuType = InsuType.Employee;
            ce[i].Region = pr.Region;
            ce[i].SetlId = "E" + i.ToString("D3", null);
            int shift = pr.Year - ce[i].EndDate.Year;
            ce[i].EndDate = ce[i].EndDate.AddYears(shift);
            ce[i].BeginDate = ce[i].BeginDate.AddYears(shift);
        }

        var alone = new Dictionary<string, SettlementOut>();
        PersonYearState aloneR = default, aloneE = default;
        foreach (var c in cr) alone[c.SetlId] = Settle(c, pr, ref aloneR);
        foreach (var c in ce) alone[c.SetlId] = Settle(c, pe, ref aloneE);

        PersonYearState sr = default, se = default;
        long maf = 0, tilted = 0;
        foreach (var c in cr.Concat(ce).OrderBy(c => c.EndDate).ThenBy(c => c.SetlId, StringComparer.Ordinal))
        {
            bool resident = c.InsuType == InsuType.Resident;
            var r = resident ? Settle(c, pr, ref sr) : Settle(c, pe, ref se);
            if (resident) AccSlot.CopyPersonLevel(in sr, ref se);
            else AccSlot.CopyPersonLevel(in se, ref sr);
            var a = alone[c.SetlId];
            Assert.Equal((a.Status, a.HifpPay, a.ActPayDedc, a.PoolPropBp, a.HifmiPay, a.HifobPay),
                (r.Status, r.HifpPay, r.ActPayDedc, r.PoolPropBp, r.HifmiPay, r.HifobPay));
            maf += r.MafPay;
            tilted += r.MafTiltedPay;
        }
        for (int i = 0; i < AccSlot.Count; i++)
        {
            if (AccSlot.PersonLevel(i))
            {
                Assert.Equal(sr[i], se[i]);
                continue;
            }
            Assert.Equal(aloneR[i], sr[i]);
            if (ce.Length > 0) Assert.Equal(aloneE[i], se[i]);
        }
        Assert.Equal(maf - tilted, sr[AccSlot.AssistBasicPaid]);
        Assert.Equal(tilted, sr[AccSlot.AssistTiltPaid]);
        if (ce.Length == 0)
        {
            for (int i = 0; i < AccSlot.Count; i++) Assert.Equal(aloneR[i], sr[i]);
        }
    }

    // ---- CHR-01 定点供药 ----

    [Fact]
    [Trait("Rule", "CHR-01")]
    public void CHR_01_NoDiseaseIsDesignatedDrugSupply_SoEveryDiseaseSharesTheOne300Deductible()
    {
        // CHR-01: "门诊特病定点供药病种起付标准单独计算" — a 定点供药 disease would have its own 300 a year; which diseases are
        // 定点供药 is not in the seeds (assumed: none, POLICY §12). So two diseases, including the antiviral therapies
        // usually supplied through designated pharmacies, share one 300 (INTERPRETATIONS CHR-01):
        // March, cancer_drug 1,000: deductible 300; 700 × 70% = 490 (limit 500).
        // March, hepatitis_b_antiviral 400: deductible already borne → 0; 400 × 70% = 280 (limit 300).
        PersonYearState s = default;
        var p = Person();
        var r1 = Settle(Chronic("cancer_drug", Y(1_000), "2024-03-05", "C1"), p, ref s);
        var r2 = Settle(Chronic("hepatitis_b_antiviral", Y(400), "2024-03-06", "C2"), p, ref s);
        Assert.Equal((Y(300), Y(490)), (r1.ActPayDedc, r1.HifpPay));
        Assert.Equal((0L, Y(280)), (r2.ActPayDedc, r2.HifpPay));
        Assert.Equal(Y(300), s[AccSlot.ChronicDedcUsed]);
        // No parameter names a 定点供药 disease: nothing in the shipped policy data flags one.
        Assert.DoesNotContain(Set.All, q => q.Key.Contains("supply", StringComparison.OrdinalIgnoreCase));
    }

    private static ClaimIn Chronic(string code, long inscp, string end, string id)
    {
        var c = Claim(med: MedType.ChronicOutpatient, inscp: inscp, end: end, id: id);
        c.SpecialDisease = SpecialDisease.Chronic;
        c.ChronicCode = code;
        return c;
    }
}
