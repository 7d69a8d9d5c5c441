using BatchSettle.Core.Domain;
using BatchSettle.Core.Settlement;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Settlement;

public class AssistanceTests
{
    private static ClaimIn YkL2(long inscp = 1_000_000, string end = "2024-06-10", string id = "C1") =>
        Claim(Region.Yingkou, lv: HospLevel.L2, inscp: inscp, end: end, id: id);

    [Fact]
    [Trait("Rule", "YK-MA-04")]
    public void Settle_LowIncomeD_BasicNoDeductible70()
    {
        // hifp 7,125; 大病 base 2,875 < 6,750 → 0; burden 2,875 × 70% = 2,012.50; tilted D: 862.50 < 3,000 → 0.
        var r = Settle(YkL2(), Person(Region.Yingkou, hardship: "D:2020-01-01"));
        Assert.Equal(201_250, r.MafPay);
        Assert.Equal(0, r.MafTiltedPay);
        Assert.Equal(r.HifpPay + r.HifmiPay + r.HifobPay + r.MafPay, r.FundPaySumamt);
    }

    [Fact]
    [Trait("Rule", "YK-MA-03")]
    [Trait("Rule", "YK-MA-06")]
    public void Settle_MonitoredAsE_RunningTotalIncrements()
    {
        // M → E: deductible 2,000 at 60%. Claim 1: (2,875 − 2,000) × 60% = 525; claim 2: (5,750 − 2,000) × 60% − 525 = 1,725.
        PersonYearState s = default;
        var p = Person(Region.Yingkou, hardship: "M:2020-01-01");
        Assert.Equal(Y(525), Settle(YkL2(), p, ref s).MafPay);
        Assert.Equal(Y(1_725), Settle(YkL2(id: "C2", end: "2024-07-10"), p, ref s).MafPay);
        Assert.Equal(Y(2_250), s[AccSlot.AssistBasicPaid]);
    }

    [Fact]
    [Trait("Rule", "YK-MA-02")]
    [Trait("Rule", "YK-MA-06")]
    public void Settle_SeveralIdentities_MostFavourableOnly()
    {
        // E and T: T applies (0 deductible, 70%) and only once.
        var r = Settle(YkL2(), Person(Region.Yingkou, hardship: "E:2020-01-01;T:2020-01-01"));
        Assert.Equal(201_250 + 60_375, r.MafPay); // basic 2,012.50 + tilted (862.50 × 70% = 603.75)
        Assert.Equal(60_375, r.MafTiltedPay);
    }

    [Fact]
    [Trait("Rule", "YK-MA-05")]
    public void Settle_TiltedForD_AboveItsDeductible()
    {
        // 大病 tilt for D applies too. inscp 60,000 at level 2: hifp (60,000 − 500) × 75% = 44,625; base 15,375;
        // 大病 tilt (15,375 − 6,750) × 75% = 6,468.75; burden 8,906.25; basic 70% = 6,234.375 → 6,234.38;
        // rest 2,671.87 < 3,000 → tilt 0. Second claim same: base burden +8,906.25 … see running totals.
        var r = Settle(YkL2(Y(60_000)), Person(Region.Yingkou, hardship: "D:2020-01-01"));
        Assert.Equal(646_875, r.HifmiPay);
        Assert.Equal(623_438, r.MafPay);
        Assert.Equal(0, r.MafTiltedPay);
    }

    [Fact]
    [Trait("Rule", "YK-MA-05")]
    public void Settle_OutOfProvince_BasicOnlyNoTilt()
    {
        var c = Claim(Region.Yingkou, setting: CareSetting.Referred, inscp: Y(10_000));
        c.InProvince = false;
        var r = Settle(c, Person(Region.Yingkou, hardship: "T:2020-01-01"));
        Assert.True(r.MafPay > 0);
        Assert.Equal(0, r.MafTiltedPay);
    }

    [Fact]
    [Trait("Rule", "YK-MA-07")]
    public void Settle_TemporaryRemote_NoAssistance()
    {
        var r = Settle(Claim(Region.Yingkou, setting: CareSetting.Temporary, inscp: Y(10_000)), Person(Region.Yingkou, hardship: "T:2020-01-01"));
        Assert.Equal(0, r.MafPay);
    }

    [Fact]
    [Trait("Rule", "YK-MA-08")]
    public void Settle_PsychiatricInpatientT_BedDayAmount()
    {
        // YK-MA-08 (v2): specialty level 2, no deductible: hifp 7,500; burden 2,500 (大病 base below 6,750: 0); basic
        // assistance T 70% = 1,750 as usual; the tilted step is the bed-day amount: min(750 left, 30 × 50 = 1,500) = 750.
        var c = Claim(Region.Yingkou, lv: HospLevel.L2, kind: FacKind.Specialty, inscp: Y(10_000));
        c.SpecialDisease = SpecialDisease.Psychiatric;
        c.BedDays = 30;
        var r = Settle(c, Person(Region.Yingkou, hardship: "T:2020-01-01"));
        Assert.Equal(Y(2_500), r.MafPay);
        Assert.Equal(Y(750), r.MafTiltedPay);
        Assert.True(r.AssumedParams);
        c.BedDays = -1;
        Assert.Equal(SettlementStatus.Quarantined, Settle(c, Person(Region.Yingkou, hardship: "T:2020-01-01")).Status);
    }

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public void Settle_CategoryI_NotAssistedPerClaim() =>
        Assert.Equal(0, Settle(YkL2(), Person(Region.Yingkou, hardship: "I:2020-01-01")).MafPay);

    [Fact]
    [Trait("Rule", "YK-MA-04")]
    public void Settle_BasicCap_RemainingOnly()
    {
        PersonYearState s = default;
        s[AccSlot.AssistBasicPaid] = Y(19_900);
        Assert.Equal(Y(100), Settle(YkL2(), Person(Region.Yingkou, hardship: "D:2020-01-01"), ref s).MafPay);
    }

    [Fact]
    [Trait("Rule", "YK-MA-03")]
    public void Settle_OrdinaryOutpatient_NotAssisted() =>
        Assert.Equal(0, Settle(Claim(Region.Yingkou, med: MedType.Outpatient, inscp: Y(1_000)), Person(Region.Yingkou, hardship: "T:2020-01-01")).MafPay);

    [Fact]
    [Trait("Rule", "YK-MA-03")]
    public void Settle_TwoDiseases_Assisted()
    {
        // Diabetes 400: hifp 240; burden 160 × 70% = 112; tilted T: 48 × 70% = 33.60.
        var c = Claim(Region.Yingkou, med: MedType.TwoDiseases, inscp: Y(400));
        c.SpecialDisease = SpecialDisease.Diabetes;
        var r = Settle(c, Person(Region.Yingkou, hardship: "T:2020-01-01"));
        Assert.Equal(Y(112) + 3_360, r.MafPay);
    }

    [Fact]
    [Trait("Rule", "YK-MA-05")]
    public void Settle_BenxiTilted_AssumedAsYingkou()
    {
        var r = Settle(Claim(inscp: Y(10_000)), Person(hardship: "T:2020-01-01"));
        Assert.True(r.MafTiltedPay > 0);
        Assert.True(r.AssumedParams);
    }

    [Fact]
    [Trait("Rule", "EW-01")]
    public void Settle_EarlyWarning_OncePerThreshold()
    {
        // Yingkou level 1, 100,000: hifp 60,000 (cap); 大病 (40,000 − 13,500) × 60% = 15,900; personal 24,100 ≥ 20,000.
        PersonYearState s = default;
        var p = Person(Region.Yingkou);
        var r1 = Settle(Claim(Region.Yingkou, lv: HospLevel.L1, inscp: Y(100_000)), p, ref s);
        Assert.Equal(Y(24_100), r1.PsnPartAmt);
        Assert.Equal(Y(20_000), r1.AlertThreshold);
        Assert.Equal(Y(24_100), r1.AlertBurden);
        var r2 = Settle(Claim(Region.Yingkou, lv: HospLevel.L1, inscp: Y(10_000), id: "C2"), p, ref s);
        Assert.Equal(0, r2.AlertThreshold);
    }

    [Fact]
    [Trait("Rule", "EW-01")]
    public void Settle_EarlyWarning_HardshipThreshold5000()
    {
        // D person, 50,000 policy-scope + 5,000 self-paid at level 2: hifp 37,125; 大病 4,593.75; basic 5,796.88;
        // personal 55,000 − 47,515.63 = 7,484.37 ≥ 5,000.
        var r = Settle(Claim(Region.Yingkou, lv: HospLevel.L2, inscp: Y(50_000), ownpay: Y(5_000)), Person(Region.Yingkou, hardship: "D:2020-01-01"));
        Assert.Equal(748_437, r.PsnPartAmt);
        Assert.True(r.PsnPartAmt >= Y(5_000));
        Assert.Equal(Y(5_000), r.AlertThreshold);
    }
}
