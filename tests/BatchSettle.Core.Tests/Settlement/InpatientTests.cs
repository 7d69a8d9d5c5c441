using BatchSettle.Core.Domain;
using BatchSettle.Core.Settlement;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Settlement;

public class InpatientTests
{
    [Fact]
    [Trait("Rule", "BX-IP-01")]
    public void Settle_BenxiResidentTertiary_DeductibleAndRatio()
    {
        // 10,000 policy-scope at a tertiary hospital, first admission: (10,000 − 800) × 65% = 5,980.
        var r = Settle(Claim(inscp: Y(10_000)), Person());
        Assert.Equal(SettlementStatus.Settled, r.Status);
        Assert.Equal(Y(800), r.ActPayDedc);
        Assert.Equal(Y(5_980), r.HifpPay);
        Assert.Equal(6500, r.PoolPropBp);
        Assert.Equal(r.MedfeeSumamt - r.FundPaySumamt, r.PsnPartAmt);
    }

    [Theory]
    [Trait("Rule", "BX-IP-01")]
    [InlineData(HospLevel.L2, FacKind.General, 400, 8000)]
    [InlineData(HospLevel.L1, FacKind.General, 400, 8000)]
    [InlineData(HospLevel.L3, FacKind.Primary, 200, 8500)]
    [InlineData(HospLevel.L3A, FacKind.Tcm, 800, 6500)]
    public void Settle_BenxiResidentByLevel_UsesLevelTable(HospLevel lv, FacKind kind, long dedcYuan, int bp)
    {
        // (5,000 − dedc) × ratio.
        var r = Settle(Claim(lv: lv, kind: kind, inscp: Y(5_000)), Person());
        Assert.Equal(Y(dedcYuan), r.ActPayDedc);
        Assert.Equal(Money.FenMath.MulBp(Y(5_000) - Y(dedcYuan), bp), r.HifpPay);
    }

    [Fact]
    [Trait("Rule", "BX-IP-02")]
    public void Settle_BenxiThirdAdmission_DeductibleLoweredToFloor()
    {
        // Tertiary 800 → 600 → 400 → 200 → 200 (floor) for admissions 1..5.
        PersonYearState s = default;
        var p = Person();
        long[] expected = [800, 600, 400, 200, 200];
        for (int n = 0; n < expected.Length; n++)
        {
            var r = Settle(Claim(inscp: Y(3_000), end: $"2024-0{n + 2}-10", id: $"C{n}"), p, ref s);
            Assert.Equal(Y(expected[n]), r.ActPayDedc);
        }
        Assert.Equal(5, s[AccSlot.LocalAdmissions]);
    }

    [Fact]
    [Trait("Rule", "BX-IP-02")]
    public void Settle_BenxiFiledRemote_DoesNotCountOrDecrease()
    {
        PersonYearState s = default;
        var p = Person();
        Settle(Claim(setting: CareSetting.FiledRemote, inscp: Y(3_000)), p, ref s);
        var r = Settle(Claim(setting: CareSetting.FiledRemote, inscp: Y(3_000), id: "C2"), p, ref s);
        Assert.Equal(Y(800), r.ActPayDedc);
        Assert.Equal(0, s[AccSlot.LocalAdmissions]);
    }

    [Fact]
    [Trait("Rule", "BX-IP-05")]
    public void Settle_BenxiCrossingPoolCap_PaysRemainderOnly()
    {
        // Primary (85%, 200): 100,000 → (100,000 − 200) × 85% = 84,830 > 80,000 cap → 80,000; second claim 0.
        PersonYearState s = default;
        var p = Person();
        var r1 = Settle(Claim(kind: FacKind.Primary, inscp: Y(100_000)), p, ref s);
        Assert.Equal(Y(80_000), r1.HifpPay);
        var r2 = Settle(Claim(kind: FacKind.Primary, inscp: Y(1_000), id: "C2"), p, ref s);
        Assert.Equal(0, r2.HifpPay);
        Assert.Equal(Y(80_000), s[AccSlot.PoolPaid]);
    }

    [Fact]
    [Trait("Rule", "YK-IP-01")]
    public void Settle_YingkouLevel2_DeductibleAndRatio()
    {
        // (10,000 − 500) × 75% = 7,125.
        var r = Settle(Claim(Region.Yingkou, lv: HospLevel.L2, inscp: Y(10_000)), Person(Region.Yingkou));
        Assert.Equal(Y(500), r.ActPayDedc);
        Assert.Equal(Y(7_125), r.HifpPay);
    }

    [Theory]
    [Trait("Rule", "YK-IP-01")]
    [InlineData(3_000, 1_380, 6000)]    // (3,000 − 700) × 60% = 1,380
    [InlineData(5_000, 2_580, 6000)]    // (5,000 − 700) × 60% = 2,580 (segment point exactly)
    [InlineData(10_000, 6_080, 7000)]   // 2,580 + (10,000 − 5,000) × 70% = 6,080
    public void Settle_Yingkou3AGeneral_SegmentedOnCost(long inscp, long pay, int topBp)
    {
        var r = Settle(Claim(Region.Yingkou, lv: HospLevel.L3A, inscp: Y(inscp)), Person(Region.Yingkou));
        Assert.Equal(Y(pay), r.HifpPay);
        Assert.Equal(topBp, r.PoolPropBp);
    }

    [Fact]
    [Trait("Rule", "YK-IP-01")]
    public void Settle_Yingkou3ATcm_PlainTertiary()
    {
        // Not general: 三级 700 / 70%: (10,000 − 700) × 70% = 6,510.
        var r = Settle(Claim(Region.Yingkou, lv: HospLevel.L3A, kind: FacKind.Tcm, inscp: Y(10_000)), Person(Region.Yingkou));
        Assert.Equal(Y(6_510), r.HifpPay);
    }

    [Fact]
    [Trait("Rule", "YK-IP-04")]
    public void Settle_YingkouCap_60000()
    {
        // Level 1: (100,000 − 300) × 80% = 79,760 → cap 60,000.
        var r = Settle(Claim(Region.Yingkou, lv: HospLevel.L1, inscp: Y(100_000)), Person(Region.Yingkou));
        Assert.Equal(Y(60_000), r.HifpPay);
    }

    [Fact]
    [Trait("Rule", "YK-IP-02")]
    public void Settle_YingkouTransferUp_PaysDeductibleDifference()
    {
        // From level 1 (300) to level 3 (700): deductible 400; (5,000 − 400) × 70% = 3,220.
        var c = Claim(Region.Yingkou, lv: HospLevel.L3, inscp: Y(5_000));
        c.TransferFromLevel = HospLevel.L1;
        var r = Settle(c, Person(Region.Yingkou));
        Assert.Equal(Y(400), r.ActPayDedc);
        Assert.Equal(Y(3_220), r.HifpPay);
        c.HospLevel = HospLevel.L1;
        c.TransferFromLevel = HospLevel.L3;
        Assert.Equal(0, Settle(c, Person(Region.Yingkou)).ActPayDedc);
    }

    [Fact]
    [Trait("Rule", "BX-IP-02")]
    public void Settle_AdmissionAcrossNewYear_SettlesInDischargeYear()
    {
        // Admitted 2023-12-28, discharged 2024-01-03: insurance year 2024, fresh 2024 accumulators → first admission (800).
        // Covered because the person was enrolled in 2023 too (continuous_years 2).
        var c = Claim(inscp: Y(10_000), begin: "2023-12-28", end: "2024-01-03");
        PersonYearState s2024 = default;
        var p = Person(year: 2024);
        p.ContinuousYears = 2;
        var r = Settle(c, p, ref s2024);
        Assert.Equal(2024, r.Year);
        Assert.Equal(Y(800), r.ActPayDedc);
        Assert.Equal(1, s2024[AccSlot.LocalAdmissions]);
        // The 2023 registry row does not cover a claim of 2024.
        Assert.Equal("EL-01", Settle(c, Person(year: 2023)).Reason);
        // A first-year resident (no 2023 cover) is not covered for care that began before January 1.
        Assert.Equal("EL-01", Settle(c, Person(year: 2024)).Reason);
    }
}
