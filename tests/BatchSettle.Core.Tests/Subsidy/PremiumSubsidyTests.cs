using BatchSettle.Core.Domain;
using BatchSettle.Core.Subsidy;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Subsidy;

public class PremiumSubsidyTests
{
    [Fact]
    [Trait("Rule", "PS-01")]
    public void Compute_YingkouD_FullPremiumSplit3To7()
    {
        // 380 × 100% = 380; city 30% = 114, county 266.
        var r = PremiumSubsidy.Compute(Set, Person(Region.Yingkou, hardship: "D:2023-01-01"), D("2024-01-01"));
        Assert.Null(r.Missing);
        Assert.Equal(Y(380), r.Amount);
        Assert.Equal(Y(114), r.CityAmount);
        Assert.Equal(Y(266), r.CountyAmount);
        Assert.Equal("PS-01", r.RuleId);
    }

    [Fact]
    [Trait("Rule", "PS-01")]
    public void Compute_BenxiE_60From2023_70Before()
    {
        var p = Person(hardship: "E:2020-01-01");
        Assert.Equal(Y(228), PremiumSubsidy.Compute(Set, p, D("2024-01-01")).Amount);
        Assert.Equal(Y(266), PremiumSubsidy.Compute(Set, p, D("2022-06-01"), Y(380)).Amount);
    }

    [Fact]
    [Trait("Rule", "PS-01")]
    public void Compute_SeveralIdentities_MostFavourable()
    {
        var r = PremiumSubsidy.Compute(Set, Person(Region.Yingkou, hardship: "N:2023-01-01;T:2023-02-01"), D("2024-01-01"));
        Assert.Equal(HardshipCategory.T, r.Category);
        Assert.Equal(10_000, r.PctBp);
    }

    [Fact]
    [Trait("Rule", "PS-01")]
    public void Compute_CategoryIOrNone_Nothing()
    {
        Assert.Equal(0, PremiumSubsidy.Compute(Set, Person(hardship: "I:2023-01-01"), D("2024-01-01")).Amount);
        Assert.Equal(0, PremiumSubsidy.Compute(Set, Person(), D("2024-01-01")).Amount);
    }

    [Fact]
    public void Compute_2025WithoutPremium_ReportsMissing() =>
        Assert.NotNull(PremiumSubsidy.Compute(Set, Person(hardship: "T:2023-01-01"), D("2025-01-01")).Missing);
}
