using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Settlement;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Policy;

public class PolicySetTests
{
    private static PolicyParam Row(int id, Region? r, InsuType? t, long v, string from = "2020-01-01", string? to = null) =>
        new(id, "R", "k", "", r, t, v, "fen", D(from), to is null ? null : D(to), Provenance.Stated, "c", "");

    [Fact]
    public void Resolve_MostSpecificWins()
    {
        var set = new PolicySet([Row(1, null, null, 1), Row(2, null, InsuType.Resident, 2), Row(3, Region.Benxi, null, 3),
            Row(4, Region.Benxi, InsuType.Resident, 4)]);
        int k = set.KeyId("k", "");
        var day = D("2024-01-01");
        Assert.Equal(4, set.Resolve(k, Region.Benxi, InsuType.Resident, day)!.Value);
        Assert.Equal(3, set.Resolve(k, Region.Benxi, InsuType.Employee, day)!.Value);
        Assert.Equal(2, set.Resolve(k, Region.Yingkou, InsuType.Resident, day)!.Value);
        Assert.Equal(1, set.Resolve(k, Region.Yingkou, InsuType.Employee, day)!.Value);
    }

    [Fact]
    public void Resolve_VersionBySettlementDate_FallsBackToLessSpecific()
    {
        var set = new PolicySet([Row(1, null, null, 1), Row(2, Region.Benxi, null, 2, "2023-01-01", "2023-12-31")]);
        int k = set.KeyId("k", "");
        Assert.Equal(1, set.Resolve(k, Region.Benxi, InsuType.Resident, D("2022-12-31"))!.Value);
        Assert.Equal(2, set.Resolve(k, Region.Benxi, InsuType.Resident, D("2023-06-30"))!.Value);
        Assert.Equal(1, set.Resolve(k, Region.Benxi, InsuType.Resident, D("2024-01-01"))!.Value);
    }

    /// <summary>
    /// The per-claim view (every key fetched at once, by epoch) answers exactly what Resolve answers, key by key, for
    /// every (region, insutype) and every day from before the first effective date to after the last: on the shipped
    /// parameters and on rows whose versions of different specificity start and end on different days.
    /// </summary>
    [Fact]
    public void View_AgreesWithResolve_EveryKeyEveryDay()
    {
        var mixed = new PolicySet([Row(1, null, null, 1, "2020-01-01", "2021-03-31"), Row(2, null, null, 2, "2021-04-01"),
            Row(3, Region.Benxi, null, 3, "2020-06-15", "2020-06-15"), Row(4, Region.Benxi, InsuType.Resident, 4, "2022-02-28", "2022-03-01"),
            Row(5, null, InsuType.Employee, 5, "2019-12-31", "2020-01-01")]);
        foreach (var set in new[] { Set, mixed })
        {
            var all = set.All;
            int first = all.Min(p => p.EffectiveFrom.DayNumber) - 3;
            int last = all.Max(p => (p.EffectiveTo ?? p.EffectiveFrom).DayNumber) + 3;
            int checkedSome = 0;
            foreach (var r in new[] { Region.Benxi, Region.Yingkou })
            {
                foreach (var t in new[] { InsuType.Employee, InsuType.Resident })
                {
                    for (int day = first; day <= last; day++)
                    {
                        var date = DateOnly.FromDayNumber(day);
                        var view = set.View(r, t, date);
                        Assert.Equal(set.KeyCount, view.Length);
                        for (int k = 0; k < set.KeyCount; k++)
                        {
                            var expected = set.Resolve(k, r, t, date);
                            if (!ReferenceEquals(expected, view[k]))
                                Assert.Fail($"{r}/{t} {date:yyyy-MM-dd} key {set.KeyName(k)}: view {view[k]?.Id} resolve {expected?.Id}");
                            if (expected is not null) checkedSome++;
                        }
                    }
                }
            }
            Assert.True(checkedSome > 0);
        }
        Assert.All(mixed.View((Region)9, InsuType.Resident, D("2021-01-01")), p => Assert.Null(p));
    }

    [Fact]
    public void Ctor_OverlappingVersions_Throws() =>
        Assert.Throws<ArgumentException>(() => new PolicySet([Row(1, null, null, 1, "2020-01-01", "2023-06-30"), Row(2, null, null, 2, "2023-01-01")]).KeyCount);

    [Fact]
    [Trait("Rule", "BX-OP-01")]
    public void Resolve_ShippedOutpatientCap_HistoricalVersion()
    {
        Assert.Equal(Y(300), Set.Resolve("op.cap", "", Region.Benxi, InsuType.Resident, D("2022-12-15"))!.Value);
        Assert.Equal(Y(500), Set.Resolve("op.cap", "", Region.Benxi, InsuType.Resident, D("2023-01-15"))!.Value);
        Assert.Null(Set.Resolve("op.cap", "", Region.Benxi, InsuType.Resident, D("2022-10-31")));
    }

    [Fact]
    [Trait("Rule", "CI-04")]
    public void Resolve_TiltRatio_70Before2023_75After()
    {
        Assert.Equal(7000, Set.Resolve("ci.tilt_ratio", "", Region.Yingkou, InsuType.Resident, D("2022-12-31"))!.Value);
        Assert.Equal(7500, Set.Resolve("ci.tilt_ratio", "", Region.Yingkou, InsuType.Resident, D("2023-01-01"))!.Value);
    }

    [Fact]
    [Trait("Rule", "LA-02")]
    public void Resolve_LargeAmountCap_History()
    {
        Assert.Equal(Y(240_000), Set.Resolve("la.cap", "", Region.Benxi, InsuType.Employee, D("2020-06-01"))!.Value);
        Assert.Equal(Y(400_000), Set.Resolve("la.cap", "", Region.Benxi, InsuType.Employee, D("2022-06-01"))!.Value);
        Assert.Equal(Y(500_000), Set.Resolve("la.cap", "", Region.Benxi, InsuType.Employee, D("2024-06-01"))!.Value);
    }

    [Fact]
    public void Settle_MissingParameter_QuarantinedWithReason()
    {
        // Benxi residents' inpatient table is in force from 2023-01-01: a 2022 admission has no parameter.
        var r = Settle(Claim(end: "2022-06-10"), Person(year: 2022));
        Assert.Equal(SettlementStatus.Quarantined, r.Status);
        Assert.Equal("missing parameter ip.dedc/tertiary for 210500/390 on 2022-06-10", r.Reason);
        Assert.Equal(0, r.TraceCount);
    }

    [Fact]
    public void Settle_MissingParameter_DoesNotTouchAccumulators()
    {
        PersonYearState s = default;
        s[AccSlot.PoolPaid] = 123;
        var before = s;
        Settle(Claim(end: "2022-06-10"), Person(year: 2022), ref s);
        Assert.Equal(before[AccSlot.PoolPaid], s[AccSlot.PoolPaid]);
        Assert.Equal(0, s[AccSlot.Claims]);
    }

    [Fact]
    [Trait("Rule", "CI-07")]
    public void Resolve_CriticalFunding_History()
    {
        Assert.Equal(Y(70), Set.Resolve("ci.funding", "", Region.Benxi, InsuType.Resident, D("2020-06-01"))!.Value);
        Assert.Equal(Y(85), Set.Resolve("ci.funding", "", Region.Benxi, InsuType.Resident, D("2023-06-01"))!.Value);
        Assert.Equal(Y(110), Set.Resolve("ci.funding", "", Region.Benxi, InsuType.Resident, D("2024-06-01"))!.Value);
    }

    [Fact]
    [Trait("Rule", "EL-06")]
    public void Resolve_LargeAmountPremium_108From2021() =>
        Assert.Equal(Y(108), Set.Resolve("la.premium", "", Region.Benxi, InsuType.Employee, D("2024-06-01"))!.Value);
}
