using BatchSettle.Core.Domain;
using BatchSettle.Core.Settlement;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Settlement;

public class EligibilityTests
{
    private static SettlementOut At(PersonIn p, string begin, string end, Region region = Region.Benxi)
    {
        var c = Claim(region, inscp: Y(5_000), end: end, begin: begin);
        PersonYearState s = default;
        SettlementOut r = default;
        Engine.Settle(c, true, p, ref s, ref r, new TraceBuffer(32));
        return r;
    }

    [Fact]
    [Trait("Rule", "EL-01")]
    public void Settle_NotEnrolled_RejectedEl01()
    {
        PersonYearState s = default;
        SettlementOut r = default;
        var c = Claim();
        Engine.Settle(c, false, Person(), ref s, ref r, new TraceBuffer(8));
        Assert.Equal(SettlementStatus.Rejected, r.Status);
        Assert.Equal("EL-01", r.Reason);
        Assert.Equal(0, r.FundPaySumamt);
        Assert.Equal(0, s[AccSlot.Claims]);
    }

    [Fact]
    [Trait("Rule", "EL-01")]
    public void Settle_OtherInsutypeRow_RejectedEl01() =>
        Assert.Equal("EL-01", Settle(Claim(insu: InsuType.Employee), Person()).Reason);

    [Fact]
    [Trait("Rule", "EL-02")]
    public void Settle_YingkouMidYear_60DayWait()
    {
        // Paid 2024-03-01 + 60 days = 2024-04-30.
        var p = Person(Region.Yingkou, kind: EnrolKind.MidYear, paid: "2024-03-01");
        Assert.Equal("EL-02", At(p, "2024-04-29", "2024-05-03", Region.Yingkou).Reason);
        Assert.Equal(SettlementStatus.Settled, At(p, "2024-04-30", "2024-05-03", Region.Yingkou).Status);
    }

    [Fact]
    [Trait("Rule", "EL-02")]
    public void Settle_YingkouNewborn_CoveredFromBirthOrPayment()
    {
        // Born 2024-02-10, paid 2024-04-01 (within 3 months): from birth. Paid 2024-08-01 (3–12 months): from payment.
        var early = Person(Region.Yingkou, birth: "2024-02-10", kind: EnrolKind.Newborn, paid: "2024-04-01");
        Assert.Equal(SettlementStatus.Settled, At(early, "2024-02-12", "2024-02-20", Region.Yingkou).Status);
        var late = Person(Region.Yingkou, birth: "2024-02-10", kind: EnrolKind.Newborn, paid: "2024-08-01");
        Assert.Equal("EL-02", At(late, "2024-07-30", "2024-08-05", Region.Yingkou).Reason);
        Assert.Equal(SettlementStatus.Settled, At(late, "2024-08-01", "2024-08-05", Region.Yingkou).Status);
    }

    [Fact]
    [Trait("Rule", "EL-02")]
    public void Settle_YingkouJobLossWithin90Days_FromDayAfterOldCover()
    {
        var p = Person(Region.Yingkou, kind: EnrolKind.JobLoss, paid: "2024-05-20");
        p.PrevCoverEnd = D("2024-04-30");
        Assert.Equal(SettlementStatus.Settled, At(p, "2024-05-01", "2024-05-10", Region.Yingkou).Status);
        Assert.Equal("EL-02", At(p, "2024-04-30", "2024-05-10", Region.Yingkou).Reason);
    }

    [Fact]
    [Trait("Rule", "EL-02")]
    public void Settle_YingkouVeteran_FromMonthAfterPayment()
    {
        var p = Person(Region.Yingkou, kind: EnrolKind.VeteranOrReleased, paid: "2024-05-20");
        Assert.Equal("EL-02", At(p, "2024-05-31", "2024-06-05", Region.Yingkou).Reason);
        Assert.Equal(SettlementStatus.Settled, At(p, "2024-06-01", "2024-06-05", Region.Yingkou).Status);
    }

    [Fact]
    [Trait("Rule", "EL-03")]
    public void Settle_BenxiMidYear_FirstOfMonthAfterThreeMonths()
    {
        // Paid 2024-03-15: March, April, May → from 2024-06-01.
        var p = Person(kind: EnrolKind.MidYear, paid: "2024-03-15");
        Assert.Equal("EL-03", At(p, "2024-05-31", "2024-06-05").Reason);
        Assert.Equal(SettlementStatus.Settled, At(p, "2024-06-01", "2024-06-05").Status);
    }

    [Fact]
    [Trait("Rule", "EL-03")]
    public void Settle_BenxiMidYearPaidInOctober_NeverCovered()
    {
        var p = Person(kind: EnrolKind.MidYear, paid: "2024-10-08");
        Assert.Equal("EL-03", At(p, "2024-12-20", "2024-12-28").Reason);
    }

    [Theory]
    [Trait("Rule", "EL-04")]
    [InlineData(0, 0, "2025-05-10")]  // fixed 3 months
    [InlineData(2, 1, "2025-06-10")]  // 3 + (2 − 1) = 4 months
    [InlineData(5, 5, "2025-08-10")]  // 3 + 0 → at least 6 with ≥ 4 broken years
    [InlineData(6, 0, "2025-11-10")]  // 3 + 6 = 9 months
    public void Settle_2025WaitingPeriod_FixedPlusVariable(int broken, int repaired, string start)
    {
        var p = Person(year: 2025, kind: EnrolKind.MidYear, paid: "2025-02-10");
        p.BrokenYears = broken;
        p.RepairedYears = repaired;
        var first = D(start);
        Assert.Equal("EL-04", At(p, first.AddDays(-1).ToString("yyyy-MM-dd", null), first.AddDays(3).ToString("yyyy-MM-dd", null)).Reason);
        Assert.Equal(SettlementStatus.Settled, At(p, start, first.AddDays(3).ToString("yyyy-MM-dd", null)).Status);
    }

    [Fact]
    [Trait("Rule", "EL-04")]
    public void Settle_2025CentralisedAfterBreak_Waits_NewbornExempt()
    {
        var p = Person(year: 2025, paid: "2024-12-01");
        p.BrokenYears = 1;
        // 2024-12-01 + 3 + 1 months = 2025-04-01.
        Assert.Equal("EL-04", At(p, "2025-03-31", "2025-04-03").Reason);
        var nb = Person(year: 2025, birth: "2025-03-01", kind: EnrolKind.Newborn, paid: "2025-04-15");
        Assert.Equal(SettlementStatus.Settled, At(nb, "2025-03-05", "2025-03-10").Status);
    }

    [Fact]
    [Trait("Rule", "EL-05")]
    public void Settle_BenxiStudent2024Row_Covers2023FromSeptember()
    {
        var p = Person(year: 2024, kind: EnrolKind.Student, paid: "2023-11-20");
        Assert.Equal(SettlementStatus.Settled, At(p, "2023-09-05", "2023-09-12").Status);
        Assert.Equal("EL-05", At(p, "2023-08-25", "2023-09-02").Reason);
    }

    [Fact]
    [Trait("Rule", "EL-06")]
    public void Settle_LargeAmountPaidLate_FromMonthAfterPayment()
    {
        // Employee with the pooled cap nearly used: excess goes to 大额 only once covered (paid 2024-05-10 → from 06-01).
        var p = Person(insu: InsuType.Employee);
        p.LargeAmountPaidDate = D("2024-05-10");
        PersonYearState s = default;
        s[AccSlot.PoolPaid] = Y(80_000);
        var may = Settle(Claim(insu: InsuType.Employee, inscp: Y(10_000), end: "2024-05-30"), p, ref s);
        Assert.Equal(0, may.HifobPay);
        var july = Settle(Claim(insu: InsuType.Employee, inscp: Y(10_000), end: "2024-07-10", id: "C2"), p, ref s);
        // Second in-city admission: deductible 600 (BX-IP-02): (10,000 − 600) × 88% = 8,272.
        Assert.Equal(Y(8_272), july.HifobPay);
    }

    [Fact]
    [Trait("Rule", "EL-07")]
    [Trait("Rule", "YK-MA-10")]
    public void Settle_IdentityStartingMidYear_AssistanceOnlyAfterStart()
    {
        var p = Person(Region.Yingkou, hardship: "D:2024-07-01");
        var june = Settle(Claim(Region.Yingkou, lv: HospLevel.L2, inscp: Y(10_000), end: "2024-06-20"), p);
        Assert.Equal(0, june.MafPay);
        var aug = Settle(Claim(Region.Yingkou, lv: HospLevel.L2, inscp: Y(10_000), end: "2024-08-20"), p);
        Assert.True(aug.MafPay > 0);
    }
}
