using BatchSettle.Core.Domain;
using BatchSettle.Core.Settlement;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Settlement;

public class SecondTierTests
{
    [Fact]
    [Trait("Rule", "CI-01")]
    [Trait("Rule", "CI-02")]
    [Trait("Rule", "CI-03")]
    public void Settle_BenxiCritical_GeneralDeductibleAndRatio()
    {
        // hifp = (100,000 − 800) × 65% = 64,480; base = 35,520; 大病 = (35,520 − 13,500) × 60% = 13,212.
        var r = Settle(Claim(inscp: Y(100_000)), Person());
        Assert.Equal(Y(64_480), r.HifpPay);
        Assert.Equal(Y(13_212), r.HifmiPay);
        Assert.True(r.AssumedParams);
    }

    [Fact]
    [Trait("Rule", "CI-01")]
    public void Settle_CriticalRunningTotal_CrossesDeductibleOnSecondClaim()
    {
        // Two admissions of 30,000 at tertiary: burden 30,000 − 18,980 = 11,020 (below 13,500) → 0;
        // second: deductible 600 → hifp 19,110, burden 10,890; total 21,910 → (21,910 − 13,500) × 60% = 5,046.
        PersonYearState s = default;
        var p = Person();
        Assert.Equal(0, Settle(Claim(inscp: Y(30_000)), p, ref s).HifmiPay);
        Assert.Equal(Y(5_046), Settle(Claim(inscp: Y(30_000), id: "C2", end: "2024-07-01"), p, ref s).HifmiPay);
        Assert.Equal(Y(21_910), s[AccSlot.CriticalBase]);
    }

    [Fact]
    [Trait("Rule", "CI-04")]
    public void Settle_CriticalTilt2024_HalfDeductible75()
    {
        // D holder: (35,520 − 6,750) × 75% = 21,577.50.
        var r = Settle(Claim(inscp: Y(100_000)), Person(hardship: "D:2020-01-01"));
        Assert.Equal(2_157_750, r.HifmiPay);
    }

    [Fact]
    [Trait("Rule", "CI-04")]
    public void Settle_CriticalTilt2022_70Percent()
    {
        // Yingkou level 3: hifp (80,000 − 700) × 70% = 55,510; base 24,490; tilt (24,490 − 6,750) × 70% = 12,418.
        var r = Settle(Claim(Region.Yingkou, inscp: Y(80_000), end: "2022-06-10"), Person(Region.Yingkou, year: 2022, hardship: "F:2021-01-01"));
        Assert.Equal(Y(12_418), r.HifmiPay);
        Assert.Equal(0, r.MafPay); // assistance rules in force from 2023
    }

    [Fact]
    [Trait("Rule", "CI-04")]
    public void Settle_CriticalTilt_MonitoredOnlyInBenxi()
    {
        // M: Benxi tilt (21,577.50); Yingkou level 3: base 24,490 (see above), general (24,490 − 13,500) × 60% = 6,594.
        Assert.Equal(2_157_750, Settle(Claim(inscp: Y(100_000)), Person(hardship: "M:2020-01-01")).HifmiPay);
        Assert.Equal(Y(6_594), Settle(Claim(Region.Yingkou, inscp: Y(80_000)), Person(Region.Yingkou, hardship: "M:2020-01-01")).HifmiPay);
    }

    [Fact]
    [Trait("Rule", "CI-05")]
    public void Settle_BenxiChildMajorDisease_6750At70()
    {
        // Age 10: (35,520 − 6,750) × 70% = 20,139. Age 15: general 13,212.
        var c = Claim(inscp: Y(100_000));
        c.SpecialDisease = SpecialDisease.ChildMajor;
        Assert.Equal(Y(20_139), Settle(c, Person(birth: "2014-01-01")).HifmiPay);
        Assert.Equal(Y(13_212), Settle(c, Person(birth: "2009-01-01")).HifmiPay);
    }

    [Fact]
    [Trait("Rule", "CI-06")]
    public void Settle_Critical2025Cap_IncentivesAndReset()
    {
        // Cap 400,000 + continuous (7 − 4) × 4,000 + zero-claim 2 × 4,000 = 420,000; 410,000 already paid → 10,000 room.
        var p = Person(year: 2025);
        p.ContinuousYears = 7;
        p.ZeroClaimYears = 2;
        PersonYearState s = default;
        s[AccSlot.CriticalBase] = Y(1_000_000);
        s[AccSlot.CriticalPaid] = Y(410_000);
        var r = Settle(Claim(inscp: Y(100_000), end: "2025-03-01"), p, ref s);
        Assert.Equal(Y(10_000), r.HifmiPay);
        Assert.Equal(1, s[AccSlot.ZeroClaimIncentiveReset]);
    }

    [Fact]
    [Trait("Rule", "CI-06")]
    public void Settle_Critical2025Incentive_AtMost20Percent()
    {
        var p = Person(year: 2025);
        p.ContinuousYears = 40; // 36 × 4,000 = 144,000 → 80,000
        PersonYearState s = default;
        s[AccSlot.CriticalBase] = Y(1_000_000);
        s[AccSlot.CriticalPaid] = Y(479_000);
        Assert.Equal(Y(1_000), Settle(Claim(inscp: Y(100_000), end: "2025-03-01"), p, ref s).HifmiPay);
    }

    [Fact]
    [Trait("Rule", "CI-06")]
    public void Settle_Critical2025AssistanceSubsidised_NoCap()
    {
        var p = Person(year: 2025);
        p.AssistanceSubsidised = true;
        PersonYearState s = default;
        s[AccSlot.CriticalBase] = Y(1_000_000);
        s[AccSlot.CriticalPaid] = Y(500_000);
        // Base increment 35,520 fully above the deductible: 35,520 × 60% = 21,312.
        Assert.Equal(Y(21_312), Settle(Claim(inscp: Y(100_000), end: "2025-03-01"), p, ref s).HifmiPay);
    }

    [Fact]
    [Trait("Rule", "CI-06")]
    public void Settle_Critical2024_AssumedCapAppliesToEveryone()
    {
        PersonYearState s = default;
        s[AccSlot.CriticalBase] = Y(1_000_000);
        s[AccSlot.CriticalPaid] = Y(399_000);
        Assert.Equal(Y(1_000), Settle(Claim(inscp: Y(100_000)), Person(hardship: "T:2020-01-01"), ref s).HifmiPay);
    }

    [Fact]
    [Trait("Rule", "LA-01")]
    public void Settle_LargeAmount_PaysWhatPoolCapCutOff()
    {
        // Employee tertiary 10,000 → 8,096; pooled room 1,000 → 大额 7,096.
        PersonYearState s = default;
        s[AccSlot.PoolPaid] = Y(79_000);
        var r = Settle(Claim(insu: InsuType.Employee, inscp: Y(10_000)), Person(insu: InsuType.Employee), ref s);
        Assert.Equal(Y(1_000), r.HifpPay);
        Assert.Equal(Y(7_096), r.HifobPay);
        Assert.Equal(0, r.HifmiPay);
    }

    [Fact]
    [Trait("Rule", "LA-02")]
    public void Settle_LargeAmount_Cap500000()
    {
        PersonYearState s = default;
        s[AccSlot.PoolPaid] = Y(80_000);
        s[AccSlot.LargeAmountPaid] = Y(499_000);
        Assert.Equal(Y(1_000), Settle(Claim(insu: InsuType.Employee, inscp: Y(10_000)), Person(insu: InsuType.Employee), ref s).HifobPay);
    }

    [Fact]
    [Trait("Rule", "LA-03")]
    public void Settle_LargeAmountNotPaid_NoLargeAmount()
    {
        var p = Person(insu: InsuType.Employee);
        p.LargeAmountPaidDate = null;
        PersonYearState s = default;
        s[AccSlot.PoolPaid] = Y(80_000);
        var r = Settle(Claim(insu: InsuType.Employee, inscp: Y(10_000)), p, ref s);
        Assert.Equal(0, r.HifobPay);
        Assert.Equal(Y(8_096), s[AccSlot.LargeAmountBase]);
    }
}
