using BatchSettle.Core.Assistance;
using BatchSettle.Core.Domain;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Assistance;

/// <summary>
/// YK-MA-09 category-I application (docs/INTERPRETATIONS.md §8 "YK-MA-09"). Yingkou resident, application 2025-03-15,
/// window 2024-03-15 .. 2025-03-14 (ma.i_lookback_months = 12, id 210). I rows: basic deductible 5,000 / 50% / cap 20,000
/// (ids 160–162), tilted 10,000 / 50% / cap 15,000 (ids 181–183). All amounts below in yuan unless said.
/// </summary>
public class IllnessApplicationTests
{
    private static readonly DateOnly App = D("2025-03-15");
    private static readonly DateOnly IStart = D("2025-03-01");

    private static WindowClaim C(string end, long baseYuan, MedType med = MedType.Inpatient, CareSetting setting = CareSetting.Local,
        bool inProvince = true, long basicPaid = 0, long tiltPaid = 0, string id = "C") =>
        new(id, D(end), med, setting, inProvince, Y(baseYuan), Y(basicPaid), Y(tiltPaid));

    private static IllnessApplicationResult Decide(IEnumerable<WindowClaim> claims, DateOnly? start = null,
        Dictionary<int, (long, long)>? paid = null) =>
        IllnessApplication.Decide(Set, Region.Yingkou, InsuType.Resident, start ?? IStart, App, claims, paid);

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public void OneYear_InProvince_BasicThenTilted()
    {
        // base 30,000. basic (30,000 − 5,000) × 50% = 12,500 (cap 20,000).
        // tilted base 30,000 − 12,500 = 17,500; (17,500 − 10,000) × 50% = 3,750 (cap 15,000). total 16,250.
        var r = Decide([C("2024-06-10", 30_000)]);
        Assert.True(r.Granted, r.Reason);
        Assert.Equal(Y(12_500), r.Basic);
        Assert.Equal(Y(3_750), r.Tilted);
        Assert.Equal(Y(16_250), r.Total);
        Assert.Equal(D("2024-03-15"), r.WindowFrom);
        Assert.Equal(D("2025-03-14"), r.WindowTo);
    }

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public void TwoCalendarYears_OneDeductibleConsumedInOrder()
    {
        // 2024: 4,000 (below the deductible: 0). 2025: running 4,000 → 30,000: (25,000 − 0) × 50% = 12,500, all in 2025.
        // tilted: 2024 4,000 → 0; 2025 rest 26,000 − 12,500 = 13,500, running 4,000 → 17,500: 7,500 × 50% = 3,750.
        var r = Decide([C("2024-05-01", 4_000), C("2025-02-01", 26_000)]);
        Assert.True(r.Granted, r.Reason);
        Assert.Equal((0L, 0L), r.ByYear[2024]);
        Assert.Equal((Y(12_500), Y(3_750)), r.ByYear[2025]);
        Assert.Equal(Y(16_250), r.Total);
    }

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public void YearCap_EarlierAssistanceInTheYearCounts()
    {
        // 15,000 basic already paid in 2024 (another category, claims before the window): 2024's room is 5,000.
        // basic 2024: (40,000 − 5,000) × 50% = 17,500 → 5,000; 2025: 10,000 × 50% = 5,000 (room 20,000; window room 15,000).
        // tilted 2024: 40,000 − 5,000 = 35,000; (35,000 − 10,000) × 50% = 12,500; 2025: 10,000 − 5,000 = 5,000 → 2,500,
        // window tilted room 15,000 − 12,500 = 2,500 → 2,500. total 10,000 + 15,000 = 25,000.
        var r = Decide([C("2024-04-01", 40_000), C("2025-01-10", 10_000)],
            paid: new() { [2024] = (Y(15_000), 0) });
        Assert.True(r.Granted, r.Reason);
        Assert.Equal((Y(5_000), Y(12_500)), r.ByYear[2024]);
        Assert.Equal((Y(5_000), Y(2_500)), r.ByYear[2025]);
        Assert.Equal(Y(25_000), r.Total);
    }

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public void OutOfProvince_NoTiltOnThatPart_BasicAttributedInProportion()
    {
        // base 20,000 in province + 10,000 referred outside Liaoning = 30,000. basic (30,000 − 5,000) × 50% = 12,500.
        // basic attributed to the in-province part: 1,250,000 fen × 2/3 = 833,333.33 → 833,333 fen.
        // tilted base 2,000,000 − 833,333 = 1,166,667 fen; (1,166,667 − 1,000,000) × 50% = 83,333.5 → 83,334 fen (half up).
        var r = Decide([C("2024-07-01", 20_000), C("2024-08-01", 10_000, setting: CareSetting.Referred, inProvince: false)]);
        Assert.True(r.Granted, r.Reason);
        Assert.Equal(1_250_000, r.Basic);
        Assert.Equal(83_334, r.Tilted);
    }

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public void AssistanceAlreadyPaidOnAWindowClaim_ReducesBurdenAndCaps()
    {
        // base 30,000, 5,000 basic + 1,000 tilted already paid on it (as E): burden 24,000.
        // basic (24,000 − 5,000) × 50% = 9,500 (rooms 15,000); tilted 24,000 − 9,500 = 14,500 → 4,500 × 50% = 2,250.
        var r = Decide([C("2024-06-01", 30_000, basicPaid: 5_000, tiltPaid: 1_000)],
            paid: new() { [2024] = (Y(5_000), Y(1_000)) });
        Assert.True(r.Granted, r.Reason);
        Assert.Equal(Y(9_500), r.Basic);
        Assert.Equal(Y(2_250), r.Tilted);
    }

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public void ClaimsOutsideWindow_OutpatientAndUnreferred_AreLeftOut()
    {
        // In: 2024-03-15 (first day) 30,000. Out: 2024-03-14, 2025-03-15 (the application date), ordinary outpatient,
        // unreferred (temporary) remote care. Same as OneYear: 16,250.
        var r = Decide(
        [
            C("2024-03-14", 50_000), C("2024-03-15", 30_000), C("2025-03-15", 50_000),
            C("2024-09-01", 50_000, med: MedType.Outpatient), C("2024-10-01", 50_000, setting: CareSetting.Temporary),
        ]);
        Assert.True(r.Granted, r.Reason);
        Assert.Equal(Y(16_250), r.Total);
    }

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public void Chronic_And_TwoDiseases_Feed_TheWindow()
    {
        // 14 chronic 6,000 + 9901 两病 4,000 = 10,000: basic (10,000 − 5,000) × 50% = 2,500; tilted 7,500 < 10,000: 0.
        var r = Decide([C("2024-11-01", 6_000, med: MedType.ChronicOutpatient), C("2024-12-01", 4_000, med: MedType.TwoDiseases)]);
        Assert.True(r.Granted, r.Reason);
        Assert.Equal(Y(2_500), r.Basic);
        Assert.Equal(0, r.Tilted);
    }

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public void BelowDeductible_Refused()
    {
        var r = Decide([C("2024-06-10", 4_000)]);
        Assert.False(r.Granted);
        Assert.Contains("nothing to grant", r.Reason, StringComparison.Ordinal);
        Assert.Equal(0, r.Total);
    }

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public void NoIdentity_Or_IdentityAfterApplication_Refused()
    {
        var none = IllnessApplication.Decide(Set, Region.Yingkou, InsuType.Resident, null, App, [C("2024-06-10", 30_000)]);
        Assert.False(none.Granted);
        Assert.Contains("does not hold category I", none.Reason, StringComparison.Ordinal);
        var later = Decide([C("2024-06-10", 30_000)], start: D("2025-04-01"));
        Assert.False(later.Granted);
        Assert.Contains("after the application date", later.Reason, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "YK-MA-09")]
    public void Trace_CitesRulesAndParamsWithProvenance()
    {
        var r = Decide([C("2024-06-10", 30_000)]);
        string text = r.Render(Set);
        Assert.Contains("YK-MA-09", text, StringComparison.Ordinal);
        Assert.Contains("YK-MA-04", text, StringComparison.Ordinal);
        Assert.Contains("YK-MA-05", text, StringComparison.Ordinal);
        Assert.Contains("#210 ma.i_lookback_months/I=12 months, stated", text, StringComparison.Ordinal);
        Assert.Contains("#160 ma.basic.dedc/I=500000 fen", text, StringComparison.Ordinal);
        Assert.Contains("#181 ma.tilt.dedc/I=1000000 fen", text, StringComparison.Ordinal);
        Assert.Contains("12500.00", text, StringComparison.Ordinal);
        Assert.False(r.Assumed);
    }
}
