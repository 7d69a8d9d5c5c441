using BatchSettle.Core.Domain;
using BatchSettle.Core.Settlement;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Settlement;

public class BasicFundTests
{
    [Fact]
    [Trait("Rule", "BX-EMP-01")]
    public void Settle_BenxiEmployeeTertiary_AssumedParams()
    {
        // §6.2 assumed: (10,000 − 800) × 88% = 8,096.
        var r = Settle(Claim(insu: InsuType.Employee, inscp: Y(10_000)), Person(insu: InsuType.Employee));
        Assert.Equal(Y(8_096), r.HifpPay);
        Assert.True(r.AssumedParams);
    }

    [Theory]
    [Trait("Rule", "BX-RM-01")]
    [InlineData(InsuType.Resident, CareSetting.Referred, 4_675, false)]         // (10,000 − 1,500) × 55%
    [InlineData(InsuType.Resident, CareSetting.EmergencyRemote, 4_675, false)]  // as referred
    [InlineData(InsuType.Resident, CareSetting.Temporary, 3_600, true)]         // (10,000 − 2,000) × 45% assumed
    [InlineData(InsuType.Employee, CareSetting.Referred, 5_950, true)]          // (10,000 − 1,500) × 70% (大额 premium etc. stated; EL ok)
    [InlineData(InsuType.Employee, CareSetting.Temporary, 4_800, true)]         // (10,000 − 2,000) × 60%
    public void Settle_BenxiRemote_ByInsutypeAndSetting(InsuType insu, CareSetting setting, long pay, bool assumedPossible)
    {
        var r = Settle(Claim(insu: insu, setting: setting, inscp: Y(10_000)), Person(insu: insu));
        Assert.Equal(Y(pay), r.HifpPay);
        Assert.True(assumedPossible || r.HifpPay > 0); // residents' inpatient always reads the assumed 大病 ratio (CI-03)
    }

    [Fact]
    [Trait("Rule", "BX-RM-01")]
    public void Settle_BenxiRemoteAdmissions_NeverDecreaseNorCount()
    {
        PersonYearState s = default;
        var p = Person();
        Settle(Claim(setting: CareSetting.Referred, inscp: Y(10_000)), p, ref s);
        var r = Settle(Claim(setting: CareSetting.Referred, inscp: Y(10_000), id: "C2"), p, ref s);
        Assert.Equal(Y(1_500), r.ActPayDedc);
        Assert.Equal(0, s[AccSlot.LocalAdmissions]);
    }

    [Theory]
    [Trait("Rule", "BX-RM-02")]
    [InlineData(CareSetting.Temporary, false)]
    [InlineData(CareSetting.Local, true)]
    public void Settle_EmergencyObservation_NoDeductible60(CareSetting setting, bool assumed)
    {
        // 2,000 × 60% = 1,200; in the city the 60% is assumed.
        var r = Settle(Claim(med: MedType.EmergencyObservation, setting: setting, inscp: Y(2_000)), Person());
        Assert.Equal(Y(1_200), r.HifpPay);
        Assert.Equal(0, r.ActPayDedc);
        Assert.True(r.AssumedParams || !assumed);
    }

    [Fact]
    [Trait("Rule", "BX-IP-03")]
    public void Settle_BenxiTuberculosisInSpecialty_NoDeductibleButCounts()
    {
        // Tertiary specialty: 10,000 × 65% = 6,500; the admission still counts for BX-IP-02.
        PersonYearState s = default;
        var c = Claim(kind: FacKind.Specialty, inscp: Y(10_000));
        c.SpecialDisease = SpecialDisease.Tuberculosis;
        var r = Settle(c, Person(), ref s);
        Assert.Equal(Y(6_500), r.HifpPay);
        Assert.Equal(1, s[AccSlot.LocalAdmissions]);
    }

    [Fact]
    [Trait("Rule", "BX-IP-04")]
    public void Settle_BenxiNonDesignatedEmergency_AsDesignated_OtherwiseNothing()
    {
        var c = Claim(inscp: Y(10_000));
        c.Designated = false;
        Assert.Equal(0, Settle(c, Person()).HifpPay);
        c.Emergency = true;
        Assert.Equal(Y(5_980), Settle(c, Person()).HifpPay);
    }

    [Fact]
    [Trait("Rule", "YK-IP-03")]
    public void Settle_YingkouPsychiatricSpecialty_NoDeductible()
    {
        // Level 2: 10,000 × 75% = 7,500.
        var c = Claim(Region.Yingkou, lv: HospLevel.L2, kind: FacKind.Specialty, inscp: Y(10_000));
        c.SpecialDisease = SpecialDisease.Psychiatric;
        var r = Settle(c, Person(Region.Yingkou));
        Assert.Equal(0, r.ActPayDedc);
        Assert.Equal(Y(7_500), r.HifpPay);
    }

    [Fact]
    [Trait("Rule", "YK-IP-05")]
    public void Settle_YingkouMaternity_InpatientRatios()
    {
        // 52 at level 2: (10,000 − 500) × 75% = 7,125; 51 at level 2: 1,000 × 75% = 750 (no deductible).
        var p = Person(Region.Yingkou);
        Assert.Equal(Y(7_125), Settle(Claim(Region.Yingkou, med: MedType.MaternityInpatient, lv: HospLevel.L2, inscp: Y(10_000)), p).HifpPay);
        Assert.Equal(Y(750), Settle(Claim(Region.Yingkou, med: MedType.MaternityOutpatient, lv: HospLevel.L2, inscp: Y(1_000)), p).HifpPay);
    }

    [Fact]
    [Trait("Rule", "YK-IP-06")]
    public void Settle_YingkouEmployee_AssumedTable()
    {
        // YK-IP-06 (v2): level-2 deductible 500 with BX-EMP-01's employee ratio 90%: (10,000 − 500) × 90% = 8,550, assumed.
        var r = Settle(Claim(Region.Yingkou, InsuType.Employee, lv: HospLevel.L2, inscp: Y(10_000)), Person(Region.Yingkou, InsuType.Employee));
        Assert.Equal(Y(8_550), r.HifpPay);
        Assert.True(r.AssumedParams);
    }

    [Fact]
    [Trait("Rule", "BX-OP-01")]
    public void Settle_BenxiOutpatient_DeductibleOnceThenCap()
    {
        // 300 at 3A general: (300 − 50) × 50% = 125; 300 at primary: 300 × 60% = 180; 2,000 at primary: 1,200 → cap room 195.
        PersonYearState s = default;
        var p = Person();
        Assert.Equal(Y(125), Settle(Claim(med: MedType.Outpatient, lv: HospLevel.L3A, inscp: Y(300)), p, ref s).HifpPay);
        Assert.Equal(Y(180), Settle(Claim(med: MedType.Outpatient, kind: FacKind.Primary, lv: HospLevel.L1, inscp: Y(300), id: "C2"), p, ref s).HifpPay);
        Assert.Equal(Y(195), Settle(Claim(med: MedType.Outpatient, kind: FacKind.Primary, lv: HospLevel.L1, inscp: Y(2_000), id: "C3"), p, ref s).HifpPay);
        Assert.Equal(Y(500), s[AccSlot.OutpatientPaid]);
        Assert.Equal(0, s[AccSlot.PoolPaid]);
    }

    [Theory]
    [Trait("Rule", "BX-OP-01")]
    [InlineData(HospLevel.L3, FacKind.Tcm, CareSetting.Local, 5500)]
    [InlineData(HospLevel.L2, FacKind.General, CareSetting.Local, 5500)]
    [InlineData(HospLevel.L2, FacKind.County, CareSetting.Local, 6000)]
    [InlineData(HospLevel.L3, FacKind.Specialty, CareSetting.Local, 6000)]
    [InlineData(HospLevel.L3, FacKind.Tcm, CareSetting.FiledRemote, 5000)]
    [InlineData(HospLevel.L3, FacKind.Specialty, CareSetting.FiledRemote, 5000)]
    public void Settle_BenxiOutpatient_RatioByFacility(HospLevel lv, FacKind kind, CareSetting setting, int bp)
    {
        var r = Settle(Claim(med: MedType.Outpatient, lv: lv, kind: kind, setting: setting, inscp: Y(250)), Person());
        Assert.Equal(bp, r.PoolPropBp);
        Assert.Equal(Money.FenMath.MulBp(Y(200), bp), r.HifpPay);
    }

    [Fact]
    [Trait("Rule", "BX-OP-01")]
    public void Settle_BenxiOutpatientDecember2022_Cap300()
    {
        // (1,000 − 50) × 60% = 570 → the 2022-11/12 cap of 300.
        var r = Settle(Claim(med: MedType.Outpatient, kind: FacKind.Primary, inscp: Y(1_000), end: "2022-12-01"), Person(year: 2022));
        Assert.Equal(Y(300), r.HifpPay);
    }

    [Fact]
    [Trait("Rule", "YK-OP-01")]
    public void Settle_YingkouOutpatient_AssumedFloor()
    {
        var r = Settle(Claim(Region.Yingkou, med: MedType.Outpatient, lv: HospLevel.L2, inscp: Y(1_000)), Person(Region.Yingkou));
        Assert.Equal(Y(500), r.HifpPay);
        Assert.True(r.AssumedParams);
    }

    [Fact]
    [Trait("Rule", "EMP-OP-01")]
    public void Settle_EmployeeOutpatient_Assumed()
    {
        // EMP-OP-01 (v2): BX-OP-01's values from 2022-11-01 — deductible 50, tertiary general 50%: (1,000 − 50) × 50% = 475.
        var r = Settle(Claim(insu: InsuType.Employee, med: MedType.Outpatient, inscp: Y(1_000)), Person(insu: InsuType.Employee));
        Assert.Equal(Y(475), r.HifpPay);
        Assert.True(r.AssumedParams);
    }

    [Fact]
    [Trait("Rule", "BX-2B-01")]
    public void Settle_TwoDiseases_HypertensionCapThenCombinedDiabetesCap()
    {
        // Hypertension 500 × 60% = 300 → cap 200; diabetes 500 × 60% = 300 → combined room 300 − 200 = 100.
        PersonYearState s = default;
        var p = Person();
        var h = Claim(med: MedType.TwoDiseases, inscp: Y(500));
        h.SpecialDisease = SpecialDisease.Hypertension;
        Assert.Equal(Y(200), Settle(h, p, ref s).HifpPay);
        var d = Claim(med: MedType.TwoDiseases, inscp: Y(500), id: "C2");
        d.SpecialDisease = SpecialDisease.Diabetes;
        Assert.Equal(Y(100), Settle(d, p, ref s).HifpPay);
        Assert.Equal(0, Settle(d, p, ref s).HifpPay);
    }

    [Fact]
    [Trait("Rule", "YK-2B-01")]
    public void Settle_YingkouDiabetes_60Percent()
    {
        var c = Claim(Region.Yingkou, med: MedType.TwoDiseases, inscp: Y(400));
        c.SpecialDisease = SpecialDisease.Diabetes;
        var r = Settle(c, Person(Region.Yingkou));
        Assert.Equal(Y(240), r.HifpPay);
        Assert.True(r.AssumedParams); // the cap is assumed
    }

    private static ClaimIn Chronic(string code, long inscp, string end = "2024-03-10", string id = "C1")
    {
        var c = Claim(med: MedType.ChronicOutpatient, inscp: inscp, end: end, id: id);
        c.SpecialDisease = SpecialDisease.Chronic;
        c.ChronicCode = code;
        return c;
    }

    [Fact]
    [Trait("Rule", "CHR-01")]
    public void Settle_Chronic_SharedDeductibleRatioMonthlyLimit()
    {
        // stroke_sequelae 1,000 (ratio 50%, no monthly limit): deductible 300, 700 × 50% = 350.
        // cancer_drug 2,000 in April: deductible used, 2,000 × 70% = 1,400 → its monthly limit 500.
        PersonYearState s = default;
        var p = Person();
        var r1 = Settle(Chronic("stroke_sequelae", Y(1_000)), p, ref s);
        Assert.Equal(Y(300), r1.ActPayDedc);
        Assert.Equal(Y(350), r1.HifpPay);
        var r2 = Settle(Chronic("cancer_drug", Y(2_000), "2024-04-10", "C2"), p, ref s);
        Assert.Equal(0, r2.ActPayDedc);
        Assert.Equal(Y(500), r2.HifpPay);
        Assert.Equal(Y(850), s[AccSlot.PoolPaid]);
        Assert.True(r2.SupersededTextParams);
    }

    [Fact]
    [Trait("Rule", "CHR-01")]
    public void Settle_ChronicFixedAmount_PaysUpToMonthlyAmount()
    {
        // 定额 pulmonary_tb (v2: a monthly limit of 500, assumed, after deductible and ratio): 1,300 → 1,000 × 70% = 700 → 500.
        var r = Settle(Chronic("pulmonary_tb", Y(1_300)), Person());
        Assert.Equal(Y(500), r.HifpPay);
        Assert.True(r.AssumedParams);
    }

    [Fact]
    [Trait("Rule", "CHR-01")]
    public void Settle_ChronicUnknownDisease_Quarantined()
    {
        var r = Settle(Chronic("unknown_disease", Y(300)), Person());
        Assert.Equal(SettlementStatus.Quarantined, r.Status);
        Assert.Equal(Reasons.ChronicNotListed, r.Reason);
    }

    [Fact]
    [Trait("Rule", "BX-MT-01")]
    public void Settle_BenxiDeliveryNonDesignated_UpTo3000()
    {
        var c = Claim(med: MedType.MaternityInpatient, inscp: Y(5_000));
        c.Designated = false;
        Assert.Equal(Y(3_000), Settle(c, Person()).HifpPay);
        c.InscpScpAmt = c.MedfeeSumamt = Y(2_000);
        Assert.Equal(Y(2_000), Settle(c, Person()).HifpPay);
    }

    [Fact]
    [Trait("Rule", "BX-MT-02")]
    public void Settle_EmployeePrenatal_100Percent()
    {
        var r = Settle(Claim(insu: InsuType.Employee, med: MedType.MaternityOutpatient, inscp: Y(800)), Person(insu: InsuType.Employee));
        Assert.Equal(Y(800), r.HifpPay);
        Assert.Equal(0, r.PsnPartAmt);
    }

    [Fact]
    [Trait("Rule", "BX-MT-03")]
    public void Settle_BenxiResidentPrenatal_OutpatientRatioNoDeductible()
    {
        var r = Settle(Claim(med: MedType.MaternityOutpatient, inscp: Y(1_000)), Person());
        Assert.Equal(Y(500), r.HifpPay);
        Assert.True(r.AssumedParams);
    }

    [Theory]
    [InlineData(ExclusionCause.Abroad, "EX-01")]
    [InlineData(ExclusionCause.WorkInjury, "EX-02")]
    [InlineData(ExclusionCause.ThirdParty, "EX-04")]
    [InlineData(ExclusionCause.Addiction, "EX-06")]
    public void Settle_Excluded_AllFundsZero(ExclusionCause cause, string rule)
    {
        var c = Claim(inscp: Y(10_000), ownpay: Y(500));
        c.ExclusionCause = cause;
        PersonYearState s = default;
        var r = Settle(c, Person(hardship: "D:2020-01-01"), ref s);
        Assert.Equal(SettlementStatus.Settled, r.Status);
        Assert.Equal(rule, r.Reason);
        Assert.Equal(0, r.FundPaySumamt);
        Assert.Equal(Y(10_500), r.PsnPartAmt);
        Assert.Equal(0, s[AccSlot.LocalAdmissions]);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, 1)]
    public void Settle_BadInput_Quarantined(long ownpay, long skew)
    {
        var c = Claim(inscp: Y(1_000));
        c.FulamtOwnpayAmt = ownpay;
        c.MedfeeSumamt += skew + (ownpay < 0 ? ownpay : 0);
        var r = Settle(c, Person());
        Assert.Equal(SettlementStatus.Quarantined, r.Status);
        Assert.StartsWith("BAD-INPUT", r.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Rule", "YK-IP-06")]
    [InlineData(InsuType.Resident, CareSetting.Referred, 4_675)]   // (10,000 − 1,500) × 55%, assumed
    [InlineData(InsuType.Employee, CareSetting.Temporary, 4_800)]  // (10,000 − 2,000) × 60%, assumed
    public void Settle_YingkouRemote_Assumed(InsuType insu, CareSetting setting, long pay)
    {
        var r = Settle(Claim(Region.Yingkou, insu, setting: setting, inscp: Y(10_000)), Person(Region.Yingkou, insu));
        Assert.Equal(Y(pay), r.HifpPay);
        Assert.True(r.AssumedParams);
    }

    [Fact]
    [Trait("Rule", "YK-IP-01")]
    public void Settle_YingkouFiledRemote_AsLocalByLevel()
    {
        var r = Settle(Claim(Region.Yingkou, lv: HospLevel.L2, setting: CareSetting.FiledRemote, inscp: Y(10_000)), Person(Region.Yingkou));
        Assert.Equal(Y(7_125), r.HifpPay);
    }
}
