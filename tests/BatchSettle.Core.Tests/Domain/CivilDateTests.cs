using BatchSettle.Core.Domain;

namespace BatchSettle.Core.Tests.Domain;

public class CivilDateTests
{
    /// <summary>Every day DateOnly can hold, 0001-01-01 to 9999-12-31: the same year, month and day.</summary>
    [Fact]
    public void Parts_EveryDay_AgreesWithDateOnly()
    {
        for (int n = DateOnly.MinValue.DayNumber; n <= DateOnly.MaxValue.DayNumber; n++)
        {
            var d = DateOnly.FromDayNumber(n);
            CivilDate.Parts(d, out int y, out int m, out int day);
            if (y != d.Year || m != d.Month || day != d.Day) Assert.Fail($"{d:yyyy-MM-dd}: {y}-{m}-{day}");
            if (CivilDate.Year(d) != d.Year) Assert.Fail($"{d:yyyy-MM-dd}: year {CivilDate.Year(d)}");
        }
        Assert.Equal(20240229, CivilDate.Ymd(new DateOnly(2024, 2, 29)));
    }

    [Fact]
    public void FirstOfYear_EveryYear_AgreesWithDateOnly_OutOfRangeThrows()
    {
        for (int y = 1; y <= 9999; y++) Assert.Equal(new DateOnly(y, 1, 1), CivilDate.FirstOfYear(y));
        Assert.Throws<ArgumentOutOfRangeException>(() => CivilDate.FirstOfYear(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CivilDate.FirstOfYear(10000));
    }

    /// <summary>Any() is unrolled over the categories: each one alone counts.</summary>
    [Fact]
    public void HardshipStarts_Any_EachCategoryAlone()
    {
        Assert.Equal(10, HardshipStarts.Count);
        Assert.False(default(HardshipStarts).Any());
        for (int i = 0; i < HardshipStarts.Count; i++)
        {
            var h = default(HardshipStarts);
            h[i] = 1;
            Assert.True(h.Any());
        }
    }
}
