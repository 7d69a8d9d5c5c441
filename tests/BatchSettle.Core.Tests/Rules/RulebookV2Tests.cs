using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Settlement;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Rules;

/// <summary>A worked example per rule id that POLICY.md v2 adds or changes, computed by hand in each comment.</summary>
public class RulebookV2Tests
{
    [Fact]
    [Trait("Rule", "EL-01")]
    public void EL_01_TwoRowsInOneYear_ResidentBenefitsEndAtTheEmployeeRowsStart()
    {
        // A resident (390, centralised 2024) joins employee insurance: a 310 row of 2024, mid_year, paid 2024-05-20 →
        // employee benefits from 2024-06-01 (1st of the month after paid_date). A 390 claim beginning 2024-05-25 is
        // covered; one beginning 2024-06-03 is rejected EL-01; a 310 claim beginning 2024-06-03 is covered.
        var res = Person(year: 2024);
        res.EmployeeRowStart = SettlementEngine.EmployeeBenefitStart(EnrolKind.MidYear, D("2024-05-20"), 2024);
        Assert.Equal(D("2024-06-01"), res.EmployeeRowStart);
        Assert.Equal(SettlementStatus.Settled, Settle(Claim(begin: "2024-05-25", end: "2024-05-30"), res).Status);
        var rejected = Settle(Claim(begin: "2024-06-03", end: "2024-06-08"), res);
        Assert.Equal(SettlementStatus.Rejected, rejected.Status);
        Assert.Equal("EL-01", rejected.Reason);
        var emp = Person(insu: InsuType.Employee, kind: EnrolKind.MidYear, paid: "2024-05-20");
        Assert.Equal(SettlementStatus.Settled, Settle(Claim(insu: InsuType.Employee, begin: "2024-06-03", end: "2024-06-08"), emp).Status);
        Assert.Equal(SettlementStatus.Rejected, Settle(Claim(insu: InsuType.Employee, begin: "2024-05-25", end: "2024-06-08"), emp).Status);
    }

    [Fact]
    [Trait("Rule", "EL-01")]
    public void EL_01_EmployerArrears_StopRestoreWithinSixMonthsIncludedOrResumeAfterLatePayment()
    {
        // arrears_from 2024-01-15: benefits stop from 2024-02-01. A claim beginning 2024-03-10:
        //  not paid → rejected EL-01; paid 2024-07-15 (the same day 6 months later, 欠费6个月及以内 included) → restored,
        //  covered; paid 2024-07-16 → covered again only from 2024-08-01: the March claim stays rejected, a claim
        //  beginning 2024-08-02 is covered. A claim beginning 2024-01-20 (before the stop) is covered.
        var p = Person(insu: InsuType.Employee);
        p.ArrearsFrom = D("2024-01-15");
        ClaimIn March() => Claim(insu: InsuType.Employee, begin: "2024-03-10", end: "2024-03-15");
        Assert.Equal("EL-01", Settle(March(), p).Reason);
        Assert.Equal(SettlementStatus.Settled, Settle(Claim(insu: InsuType.Employee, begin: "2024-01-20", end: "2024-01-25"), p).Status);
        p.ArrearsPaid = D("2024-07-15");
        Assert.Equal(SettlementStatus.Settled, Settle(March(), p).Status);
        p.ArrearsPaid = D("2024-07-16");
        Assert.Equal(SettlementStatus.Rejected, Settle(March(), p).Status);
        Assert.Equal(SettlementStatus.Settled, Settle(Claim(insu: InsuType.Employee, begin: "2024-08-02", end: "2024-08-05"), p).Status);
    }

    [Fact]
    [Trait("Rule", "EX-03")]
    public void EX_01_to_EX_06_ExcludedClaimCountsNowhereButRaisesAPendingGroupChangeAlert()
    {
        // Benxi resident, 2024: a 21 claim of 30,000 at a tertiary hospital: pooled (30,000 − 800) × 65% = 18,980; 大病
        // base 11,020 (< 13,500: 0); burden 11,020 < 20,000 → no alert. The person becomes D on 2024-05-01 (the 5,000
        // group). An excluded (EX-03 public_health) claim on 2024-06-01 adds nothing, but the check after it raises the
        // 5,000 alert at 11,020.
        PersonYearState s = default;
        var p = Person(hardship: "D:2024-05-01");
        var r1 = Settle(Claim(inscp: Y(30_000), end: "2024-03-10", id: "C1"), p, ref s);
        Assert.Equal(0, r1.AlertThreshold);
        Assert.Equal(Y(11_020), s[AccSlot.WarningBurden]);
        var ex = Claim(inscp: Y(1_000), end: "2024-06-01", id: "C2");
        ex.ExclusionCause = ExclusionCause.PublicHealth;
        var r2 = Settle(ex, p, ref s);
        Assert.Equal("EX-03", r2.Reason);
        Assert.Equal(Y(5_000), r2.AlertThreshold);
        Assert.Equal(Y(11_020), s[AccSlot.WarningBurden]);
        Assert.Equal(1, s[AccSlot.LocalAdmissions]); // the excluded claim is no admission
    }

    [Fact]
    [Trait("Rule", "BX-IP-03")]
    public void BX_IP_03_ApprovedFacility_NoDeductible()
    {
        // Benxi resident, tb at a general tertiary hospital the city approved (dise_qualified): no deductible →
        // 10,000 × 65% = 6,500. Without the approval: (10,000 − 800) × 65% = 5,980.
        var c = Claim(inscp: Y(10_000));
        c.SpecialDisease = SpecialDisease.Tuberculosis;
        Assert.Equal(Y(5_980), Settle(c, Person()).HifpPay);
        c.DiseQualified = true;
        var r = Settle(c, Person());
        Assert.Equal(0, r.ActPayDedc);
        Assert.Equal(Y(6_500), r.HifpPay);
    }

    [Fact]
    [Trait("Rule", "YK-IP-03")]
    public void YK_IP_03_InfectiousDiseaseInSpecialtyHospital_NoDeductible_ApprovalDoesNotApply()
    {
        // Yingkou resident, infectious disease, level-2 specialty hospital: no deductible, 10,000 × 75% = 7,500. At a
        // general level-2 hospital with dise_qualified: Yingkou has no approved-facility rule: (10,000 − 500) × 75% = 7,125.
        var c = Claim(Region.Yingkou, lv: HospLevel.L2, kind: FacKind.Specialty, inscp: Y(10_000));
        c.SpecialDisease = SpecialDisease.Infectious;
        Assert.Equal(Y(7_500), Settle(c, Person(Region.Yingkou)).HifpPay);
        c.FacKind = FacKind.General;
        c.DiseQualified = true;
        Assert.Equal(Y(7_125), Settle(c, Person(Region.Yingkou)).HifpPay);
    }

    [Fact]
    [Trait("Rule", "BX-RM-01")]
    public void BX_RM_01_EmergencyOutsideTheCity_ReferralStandardAtANonDesignatedHospital()
    {
        // Benxi resident, emergency_remote admission at a non-designated hospital, 10,000: the referral standard,
        // (10,000 − 1,500) × 55% = 4,675.
        var c = Claim(setting: CareSetting.EmergencyRemote, inscp: Y(10_000));
        c.Designated = false;
        Assert.Equal(Y(4_675), Settle(c, Person()).HifpPay);
    }

    [Fact]
    [Trait("Rule", "BX-RM-03")]
    public void BX_RM_03_UniversityStudentReferredOutsideTheCity_LocalStandardFrom2025()
    {
        // Benxi resident university student, referred admission at a designated tertiary hospital, 10,000:
        //  2025 → local standard: (10,000 − 800) × 65% = 5,980, no admission counted;
        //  2024 → referral standard: (10,000 − 1,500) × 55% = 4,675.
        var p = Person(year: 2025);
        p.University = true;
        PersonYearState s = default;
        Assert.Equal(Y(5_980), Settle(Claim(setting: CareSetting.Referred, inscp: Y(10_000), end: "2025-03-10"), p, ref s).HifpPay);
        Assert.Equal(0, s[AccSlot.LocalAdmissions]);
        var p24 = Person(year: 2024);
        p24.University = true;
        Assert.Equal(Y(4_675), Settle(Claim(setting: CareSetting.Referred, inscp: Y(10_000)), p24).HifpPay);
    }

    [Fact]
    [Trait("Rule", "YK-IP-07")]
    public void YK_IP_07_UniversityStudentOutsideTheCity_YingkouStandard()
    {
        // Yingkou resident university student, temporary admission at a designated level-2 hospital, 10,000:
        // YK-IP-01 level 2: (10,000 − 500) × 75% = 7,125 (instead of temporary 2,000 / 45%: 3,600).
        var p = Person(Region.Yingkou);
        p.University = true;
        var c = Claim(Region.Yingkou, lv: HospLevel.L2, setting: CareSetting.Temporary, inscp: Y(10_000));
        Assert.Equal(Y(7_125), Settle(c, p).HifpPay);
        Assert.Equal(Y(3_600), Settle(c, Person(Region.Yingkou)).HifpPay);
    }

    [Fact]
    [Trait("Rule", "YK-IP-04")]
    public void YK_IP_04_OutpatientCountsTowardTheCombinedAnnualCap()
    {
        // Yingkou resident: an admission that reaches 59,900 of the 60,000 cap, then an outpatient claim of 400 at a
        // 3A hospital: 400 × 50% = 200 → own cap room 500, combined cap room 100 → 100.
        PersonYearState s = default;
        s[AccSlot.PoolPaid] = Y(59_900);
        var r = Settle(Claim(Region.Yingkou, med: MedType.Outpatient, inscp: Y(400)), Person(Region.Yingkou), ref s);
        Assert.Equal(Y(100), r.HifpPay);
        Assert.Equal(Y(60_000), s[AccSlot.PoolPaid]);
        Assert.Equal(Y(100), s[AccSlot.OutpatientPaid]);
    }

    [Fact]
    [Trait("Rule", "YK-IP-06")]
    public void YK_IP_06_YingkouEmployees_AssumedValuesWrittenOut()
    {
        // Level 1: (10,000 − 300) × 92% = 8,924; 3A general (as 三级, not segmented): (10,000 − 700) × 88% = 8,184.
        var p = Person(Region.Yingkou, InsuType.Employee);
        Assert.Equal(Y(8_924), Settle(Claim(Region.Yingkou, InsuType.Employee, lv: HospLevel.L1, inscp: Y(10_000)), p).HifpPay);
        var r = Settle(Claim(Region.Yingkou, InsuType.Employee, lv: HospLevel.L3A, inscp: Y(10_000)), p);
        Assert.Equal(Y(8_184), r.HifpPay);
        Assert.True(r.AssumedParams);
    }

    [Fact]
    [Trait("Rule", "EMP-OP-01")]
    public void EMP_OP_01_NothingBeforeNovember2022_ThenOutpatientPoolingValues()
    {
        // Benxi employee outpatient, 300 at a primary facility: 2022-06 → 0 (no pooling yet); 2022-12 → (300 − 50) × 60%
        // = 150 (cap 300 in Nov–Dec 2022).
        var p22 = Person(insu: InsuType.Employee, year: 2022);
        Assert.Equal(0, Settle(Claim(insu: InsuType.Employee, med: MedType.Outpatient, lv: HospLevel.L1, kind: FacKind.Primary, inscp: Y(300), end: "2022-06-10"), p22).HifpPay);
        Assert.Equal(Y(150), Settle(Claim(insu: InsuType.Employee, med: MedType.Outpatient, lv: HospLevel.L1, kind: FacKind.Primary, inscp: Y(300), end: "2022-12-10"), p22).HifpPay);
    }

    [Fact]
    [Trait("Rule", "BX-MT-02")]
    public void BX_MT_02_MaternityInsured100Percent_BasicOnlyAtTheOutpatientRatio()
    {
        // Benxi employee, prenatal check (51) of 400 at a designated tertiary general hospital, 2024: maternity insured →
        // 100% = 400; insured only in basic employee insurance → EMP-OP-01 tertiary general 50% = 200, no deductible.
        var p = Person(insu: InsuType.Employee);
        var c = Claim(insu: InsuType.Employee, med: MedType.MaternityOutpatient, inscp: Y(400));
        Assert.Equal(Y(400), Settle(c, p).HifpPay);
        p.NotMaternityInsured = true;
        Assert.Equal(Y(200), Settle(c, p).HifpPay);
    }

    [Fact]
    [Trait("Rule", "YK-MA-08")]
    public void YK_MA_08_BedDayAmountIsTheTiltedStep_OnlyInTheProvince()
    {
        // Yingkou D, psychiatric stay, level-2 specialty (no deductible), 10,000, 4 bed-days: hifp 7,500; burden 2,500;
        // basic D 70% = 1,750; tilted = min(750, 4 × 50 = 200) = 200. Outside the province (referred): basic only; the
        // referral standard (10,000 − 1,500) × 55% = 4,675, burden 5,325 → basic 3,727.50, tilted 0.
        var c = Claim(Region.Yingkou, lv: HospLevel.L2, kind: FacKind.Specialty, inscp: Y(10_000));
        c.SpecialDisease = SpecialDisease.Psychiatric;
        c.BedDays = 4;
        var p = Person(Region.Yingkou, hardship: "D:2023-01-01");
        var r = Settle(c, p);
        Assert.Equal(Y(1_950), r.MafPay);
        Assert.Equal(Y(200), r.MafTiltedPay);
        c.Setting = CareSetting.Referred;
        c.InProvince = false;
        var r2 = Settle(c, p);
        Assert.Equal(372_750, r2.MafPay);
        Assert.Equal(0, r2.MafTiltedPay);
    }

    [Fact]
    [Trait("Rule", "EW-01")]
    public void EW_01_HighValueDrugCountsAndPIsInTheFiveThousandGroup()
    {
        // Benxi resident with P (脱贫人口 not monitored) since 2023: an outpatient (11) high-value-drug claim of 6,000 at a
        // non-designated facility (no pooling, OP-00): burden 6,000 ≥ 5,000 → alert 5,000. P gets no assistance.
        var p = Person(hardship: "P:2023-01-01");
        var c = Claim(med: MedType.Outpatient, inscp: Y(6_000));
        c.Designated = false;
        c.HighValueDrug = true;
        var r = Settle(c, p);
        Assert.Equal(0, r.FundPaySumamt);
        Assert.Equal(Y(5_000), r.AlertThreshold);
        var r2 = Settle(Claim(inscp: Y(10_000)), p);
        Assert.Equal(0, r2.MafPay);
        // Without the flag an outpatient claim adds nothing to the burden.
        c.HighValueDrug = false;
        Assert.Equal(0, Settle(c, p).AlertThreshold);
    }

    [Fact]
    [Trait("Rule", "CI-04")]
    public void CI_04_BenxiCategoriesByPeriod()
    {
        // Benxi resident E (低保边缘), 30,000 at a tertiary hospital, 2021 vs 2024 (the 80,000 cap and 800 deductible of
        // 2023 do not resolve in 2021 → the claim needs 2023+ values; use 2024 for F instead):
        //  2024, F: tilted from 2023 (75%, halved 6,750, interpreted): pooled (30,000 − 800) × 65% = 18,980; base 11,020;
        //  general: 0 (< 13,500); tilt (11,020 − 6,750) × 75% = 3,202.50.
        //  2024, E: not tilted from 2022 → 0.
        var f = Settle(Claim(inscp: Y(30_000)), Person(hardship: "F:2023-01-01"));
        Assert.Equal(320_250, f.HifmiPay);
        var e = Settle(Claim(inscp: Y(30_000)), Person(hardship: "E:2023-01-01"));
        Assert.Equal(0, e.HifmiPay);
        Assert.Null(Set.Resolve("ci.tilt_cat", "E", Region.Benxi, InsuType.Resident, D("2024-06-01")));
        Assert.NotNull(Set.Resolve("ci.tilt_cat", "E", Region.Benxi, InsuType.Resident, D("2021-06-01")));
    }

    [Fact]
    [Trait("Rule", "CI-01")]
    public void CI_01_NonDesignatedCostFeedsNo大病Base()
    {
        // Benxi resident: a non-designated, non-emergency admission of 20,000 → pooled 0 and 大病 base 0 (v2: only cost
        // the pooled fund recognises).
        PersonYearState s = default;
        var c = Claim(inscp: Y(20_000));
        c.Designated = false;
        Settle(c, Person(), ref s);
        Assert.Equal(0, s[AccSlot.CriticalBase]);
    }

    [Fact]
    [Trait("Rule", "YK-MA-06")]
    public void YK_MA_06_BenxiN_AssistedAsE()
    {
        // Benxi N (其他监测范围内人口): as E. 10,000 at tertiary: pooled 5,980; 大病 base 4,020 (0); burden 4,020 →
        // basic E: (4,020 − 2,000) × 60% = 1,212; tilted E (Benxi assumed): base 2,808 < 5,000 → 0.
        var r = Settle(Claim(inscp: Y(10_000)), Person(hardship: "N:2023-01-01"));
        Assert.Equal(Y(1_212), r.MafPay);
    }

    [Fact]
    [Trait("Rule", "PS-01")]
    public void PS_01_BenxiFundingSplit_FiveFiveBefore2023_CityAllFrom2023()
    {
        // Benxi T, premium 380: 2022 → city 190, county 190 (5 : 5, [000:195] old text); 2024 → city 380, county 0.
        var p = Person(year: 2022, hardship: "T:2020-01-01");
        var r22 = BatchSettle.Core.Subsidy.PremiumSubsidy.Compute(Set, p, D("2022-01-01"), Y(380));
        Assert.Equal(Y(190), r22.CityAmount);
        Assert.Equal(Y(190), r22.CountyAmount);
        var r24 = BatchSettle.Core.Subsidy.PremiumSubsidy.Compute(Set, Person(year: 2024, hardship: "T:2020-01-01"), D("2024-01-01"), Y(380));
        Assert.Equal(Y(380), r24.CityAmount);
        Assert.Equal(0, r24.CountyAmount);
        // P gets no subsidy.
        Assert.Equal(0, BatchSettle.Core.Subsidy.PremiumSubsidy.Compute(Set, Person(hardship: "P:2020-01-01"), D("2024-01-01"), Y(380)).Amount);
    }

    [Fact]
    [Trait("Rule", "BX-MT-01")]
    public void Provenance_StatedSupersededText_IsCarriedAndFlagged()
    {
        // The BX-MT-01 3,000 is 'stated (superseded text)' ([000:171] old text): the settlement says so.
        var c = Claim(med: MedType.MaternityInpatient, inscp: Y(2_000));
        c.Designated = false;
        var r = Settle(c, Person());
        Assert.True(r.SupersededTextParams);
        var p = Set.Resolve("mt.nondesig_cap", "", Region.Benxi, InsuType.Resident, D("2024-06-10"))!;
        Assert.Equal(Provenance.StatedSupersededText, p.Provenance);
        Assert.Contains("[000:171]", p.Citation, StringComparison.Ordinal);
    }
}
