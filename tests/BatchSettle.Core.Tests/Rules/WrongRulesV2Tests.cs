using BatchSettle.Core.Domain;
using BatchSettle.Core.Settlement;
using FsCheck.Xunit;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Rules;

/// <summary>
/// The three rules issue 11 found settled wrongly (POLICY.md v2): BX-MT-01 counted for BX-IP-02, YK-MA-03a designated
/// care only, CHR-01 one monthly limit per disease. Worked examples computed by hand in each comment, plus invariants.
/// </summary>
public class WrongRulesV2Tests
{
    private static ClaimIn Delivery(bool designated, string end, string id, long inscp = 200_000)
    {
        var c = Claim(med: MedType.MaternityInpatient, lv: HospLevel.L3, inscp: inscp, end: end, id: id);
        c.Designated = designated;
        return c;
    }

    [Fact]
    [Trait("Rule", "BX-MT-01")]
    public void BX_MT_01_NonDesignatedInCityDelivery_CountsAsInCityAdmissionForBX_IP_02()
    {
        // Benxi resident, 2024. Claim 1: delivery (52) at a non-designated facility in the city, policy-scope 2,000.
        //   BX-MT-01: the fund pays the actual cost up to 3,000, no deductible → hifp 2,000, act_pay_dedc 0. It is the
        //   year's 1st in-city admission the pooled fund recognises (BX-IP-02, v2).
        // Claim 2: ordinary admission (21) at a designated tertiary hospital, policy-scope 10,000: the 2nd admission,
        //   deductible max(200, 800 − 200 × 1) = 600; pooled (10,000 − 600) × 65% = 6,110.
        //   (Before the fix the delivery did not count: deductible 800, pooled 6,045.)
        PersonYearState s = default;
        var p = Person();
        var r1 = Settle(Delivery(false, "2024-03-10", "C1"), p, ref s);
        Assert.Equal(SettlementStatus.Settled, r1.Status);
        Assert.Equal(Y(2_000), r1.HifpPay);
        Assert.Equal(0, r1.ActPayDedc);
        Assert.Equal(1, s[AccSlot.LocalAdmissions]);
        var r2 = Settle(Claim(inscp: Y(10_000), end: "2024-05-10", id: "C2"), p, ref s);
        Assert.Equal(Y(600), r2.ActPayDedc);
        Assert.Equal(Y(6_110), r2.HifpPay);
        Assert.Equal(2, s[AccSlot.LocalAdmissions]);
    }

    [Fact]
    [Trait("Rule", "BX-MT-01")]
    public void BX_MT_01_NonDesignatedDeliveryOutsideTheCity_IsNotBX_MT_01AndDoesNotCount()
    {
        // A delivery outside the city (temporary) at a non-designated hospital follows the remote-care rules: ND-01, the
        // fund pays nothing; it is not an in-city admission.
        PersonYearState s = default;
        var c = Delivery(false, "2024-03-10", "C1");
        c.Setting = CareSetting.Temporary;
        c.InProvince = false;
        var r = Settle(c, Person(), ref s);
        Assert.Equal(0, r.HifpPay);
        Assert.Equal(0, s[AccSlot.LocalAdmissions]);
    }

    [Fact]
    [Trait("Rule", "YK-MA-03a")]
    public void YK_MA_03a_NonDesignatedNonEmergencyCare_NoAssistanceAndNoRunningTotal()
    {
        // Yingkou resident, 低保 D since 2023. Claim 1: non-designated level-2 admission, not an emergency, policy-scope
        //   5,000 → ND-01: pooled 0; 大病 base not fed (CI-01 v2: cost the pooled fund does not recognise); YK-MA-03a:
        //   no assistance (before the fix basic assistance paid 5,000 × 70% = 3,500) and the assistance base stays 0.
        // Claim 2: the same at a designated level-2 hospital: pooled (5,000 − 500) × 75% = 3,375; burden 1,625;
        //   basic assistance D: deductible 0, 70% → 1,137.50; tilted base 1,625 − 1,137.50 = 487.50, below D's tilted
        //   deductible 3,000 → 0. maf 1,137.50.
        PersonYearState s = default;
        var p = Person(Region.Yingkou, hardship: "D:2023-01-01");
        var c1 = Claim(Region.Yingkou, lv: HospLevel.L2, inscp: Y(5_000), end: "2024-04-10", id: "C1");
        c1.Designated = false;
        var r1 = Settle(c1, p, ref s);
        Assert.Equal(0, r1.HifpPay);
        Assert.Equal(0, r1.MafPay);
        Assert.Equal(0, s[AccSlot.AssistBase]);
        Assert.Equal(0, s[AccSlot.CriticalBase]);
        var r2 = Settle(Claim(Region.Yingkou, lv: HospLevel.L2, inscp: Y(5_000), end: "2024-05-10", id: "C2"), p, ref s);
        Assert.Equal(Y(3_375), r2.HifpPay);
        Assert.Equal(113_750, r2.MafPay);
        Assert.Equal(162_500, s[AccSlot.AssistBase]);
    }

    [Fact]
    [Trait("Rule", "YK-MA-03a")]
    public void YK_MA_03a_BenxiDeliveryAtNonDesignatedFacility_PaidByBX_MT_01ButNotAssisted()
    {
        // Benxi 特困 T. Delivery at a non-designated facility in the city, policy-scope 5,000: BX-MT-01 pays 3,000;
        // 大病 base +2,000 (a recognised claim, below the deductible: 0); YK-MA-03a: a BX-MT-01 delivery is not assisted.
        PersonYearState s = default;
        var r = Settle(Delivery(false, "2024-03-10", "C1", Y(5_000)), Person(hardship: "T:2023-01-01"), ref s);
        Assert.Equal(Y(3_000), r.HifpPay);
        Assert.Equal(0, r.MafPay);
        Assert.Equal(Y(2_000), s[AccSlot.CriticalBase]);
        Assert.Equal(0, s[AccSlot.AssistBase]);
    }

    [Fact]
    [Trait("Rule", "YK-MA-03a")]
    public void YK_MA_03a_EmergencyPaidAsDesignated_IsAssisted()
    {
        // Benxi T, emergency admission to a non-designated tertiary hospital in the city (BX-IP-04: as designated),
        // policy-scope 10,000: deductible 800, pooled 9,200 × 65% = 5,980; 大病 base 4,020 (< 13,500 → 0);
        // burden 4,020 → basic assistance T 70% = 2,814; tilted base 1,206 → T/O tilted (Benxi, assumed) 70% = 844.20.
        var c = Claim(inscp: Y(10_000), end: "2024-03-10");
        c.Designated = false;
        c.Emergency = true;
        var r = Settle(c, Person(hardship: "T:2023-01-01"));
        Assert.Equal(Y(5_980), r.HifpPay);
        Assert.Equal(Y(2_814) + 84_420, r.MafPay);
    }

    private static ClaimIn Chronic(string code, long inscp, string end, string id)
    {
        var c = Claim(med: MedType.ChronicOutpatient, inscp: inscp, end: end, id: id);
        c.SpecialDisease = SpecialDisease.Chronic;
        c.ChronicCode = code;
        return c;
    }

    [Fact]
    [Trait("Rule", "CHR-01")]
    public void CHR_01_TwoLimitedDiseasesInOneMonth_EachHasItsOwnMonthlyLimit()
    {
        // Benxi resident, March 2024. Shared yearly deductible 300 [000:187].
        // Claim 1 cancer_drug 1,300: deductible 300; 1,000 × 70% = 700 → cancer_drug's limit 500 → 500.
        // Claim 2 psychiatric 800: deductible used up; 800 × 70% = 560 → psychiatric's own limit 500 → 500.
        //   (Before the fix the month's 500 was shared: claim 2 got 0.)
        // Claim 3 cancer_drug 100 (same month): 70 → cancer_drug's limit already used → 0.
        // Claim 4 cancer_drug 100 in April: a new month → 70.
        PersonYearState s = default;
        var p = Person();
        var r1 = Settle(Chronic("cancer_drug", Y(1_300), "2024-03-05", "C1"), p, ref s);
        Assert.Equal(Y(300), r1.ActPayDedc);
        Assert.Equal(Y(500), r1.HifpPay);
        var r2 = Settle(Chronic("psychiatric", Y(800), "2024-03-06", "C2"), p, ref s);
        Assert.Equal(0, r2.ActPayDedc);
        Assert.Equal(Y(500), r2.HifpPay);
        Assert.Equal(0, Settle(Chronic("cancer_drug", Y(100), "2024-03-20", "C3"), p, ref s).HifpPay);
        Assert.Equal(Y(70), Settle(Chronic("cancer_drug", Y(100), "2024-04-02", "C4"), p, ref s).HifpPay);
        Assert.True(r1.SupersededTextParams); // the 300, 70% and 500 are stated (superseded text) [000:187]
    }

    [Fact]
    [Trait("Rule", "CHR-01")]
    public void CHR_01_FixedAmountDisease_ReadAsMonthlyLimitAfterDeductibleAndRatio()
    {
        // renal_esrd (定额): deductible 300, ratio 80%, monthly limit 500 (assumed). 1,000 → 700 × 80% = 560 → 500.
        var r = Settle(Chronic("renal_esrd", Y(1_000), "2024-03-05", "C1"), Person());
        Assert.Equal(Y(300), r.ActPayDedc);
        Assert.Equal(Y(500), r.HifpPay);
        Assert.True(r.AssumedParams);
    }

    [Fact]
    [Trait("Rule", "CHR-01")]
    public void CHR_01_AutismOverTheAgeLimit_SettledWithNothingAndNoDeductibleBorne()
    {
        // child_autism, born 2016-01-01, claim begins 2024-03-01: 8 whole years > 7 → every fund 0, act_pay_dedc 0, the
        // shared 300 stays whole: a later cancer_drug claim of 1,000 bears 300 and gets 700 × 70% = 490.
        PersonYearState s = default;
        var p = Person(birth: "2016-01-01");
        var r = Settle(Chronic("child_autism", Y(1_000), "2024-03-05", "C1"), p, ref s);
        Assert.Equal(SettlementStatus.Settled, r.Status);
        Assert.Equal(0, r.FundPaySumamt);
        Assert.Equal(0, r.ActPayDedc);
        var r2 = Settle(Chronic("cancer_drug", Y(1_000), "2024-03-08", "C2"), p, ref s);
        Assert.Equal(Y(300), r2.ActPayDedc);
        Assert.Equal(Y(490), r2.HifpPay);
    }

    [Fact]
    [Trait("Rule", "CHR-01")]
    public void CHR_01_CodeOutsideTheContractList_Quarantined()
    {
        var r = Settle(Chronic("hepatitis_antiviral", Y(300), "2024-03-05", "C1"), Person());
        Assert.Equal(SettlementStatus.Quarantined, r.Status);
        Assert.Contains("special_dise", r.Reason, StringComparison.Ordinal);
    }

    private static readonly string[] s_limited =
    [
        "cancer_drug", "psychiatric", "diabetes_complications", "sle", "parkinson", "aplastic_anaemia", "renal_esrd",
    ];

    /// <summary>CHR-01 invariant: within any month, each disease's pooled payments stay within its own limit.</summary>
    [Property(MaxTest = 200)]
    public void CHR_01_Property_PerDiseaseMonthlyLimitNeverExceeded(int seed)
    {
        var rnd = new Random(seed);
        var p = Person(rnd.Next(2) == 0 ? Region.Benxi : Region.Yingkou, rnd.Next(2) == 0 ? InsuType.Resident : InsuType.Employee);
        PersonYearState s = default;
        var paid = new Dictionary<(string, int), long>();
        int day = 0;
        string[] mine = [s_limited[rnd.Next(s_limited.Length)], s_limited[rnd.Next(s_limited.Length)], s_limited[rnd.Next(s_limited.Length)]];
        for (int i = 0; i < 25; i++)
        {
            day += rnd.Next(20);
            if (day > 364) break;
            var end = new DateOnly(2024, 1, 1).AddDays(day);
            string code = mine[rnd.Next(mine.Length)];
            var c = Claim(p.Region, p.InsuType, MedType.ChronicOutpatient, inscp: rnd.Next(300_000),
                end: end.ToString("yyyy-MM-dd", null), begin: end.ToString("yyyy-MM-dd", null), id: $"C{i}");
            c.SpecialDisease = SpecialDisease.Chronic;
            c.ChronicCode = code;
            var r = Settle(c, p, ref s);
            Assert.Equal(SettlementStatus.Settled, r.Status);
            var k = (code, end.Month);
            paid[k] = paid.GetValueOrDefault(k) + r.HifpPay;
            long limit = Set.Resolve("chr.month_limit", code, p.Region, p.InsuType, end)!.Value;
            Assert.True(paid[k] <= limit, $"{code} month {end.Month}: {paid[k]} > {limit}");
        }
    }

    /// <summary>YK-MA-03a invariant: a non-designated claim that is not an emergency paid as designated is never assisted.</summary>
    [Property(MaxTest = 300)]
    public void YK_MA_03a_Property_NoAssistanceOnNonDesignatedNonEmergencyCare(int seed)
    {
        var (p, claims) = BatchSettle.Core.Tests.Settlement.ClaimGenerator.Generate(seed);
        PersonYearState s = default;
        var trace = new TraceBuffer(64);
        foreach (var c in claims)
        {
            long before = s[AccSlot.AssistBase];
            SettlementOut r = default;
            Engine.Settle(c, true, p, ref s, ref r, trace);
            if (c.Designated || SettlementEngine.EmergencyAsDesignated(in c)) continue;
            Assert.Equal(0, r.MafPay);
            Assert.Equal(before, s[AccSlot.AssistBase]);
        }
    }
}
