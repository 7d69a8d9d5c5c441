using System.Runtime.CompilerServices;

namespace BatchSettle.Core.Domain;

/// <summary>
/// Year, month and day of a <see cref="DateOnly"/> in a few integer operations, inlined: <see cref="DateOnly.Year"/>
/// and its kin call into the runtime (a date-part routine that is not inlined), and the engine takes a claim's year
/// and a step's yyyymmdd on every claim. Same answers as <see cref="DateOnly"/> on its whole range (tested day by day).
/// </summary>
internal static class CivilDate
{
    /// <summary>
    /// H. Hinnant's civil_from_days (http://howardhinnant.github.io/date_algorithms.html), counted from 0000-03-01 so
    /// that the leap day ends a year: 0001-01-01 (<see cref="DateOnly.DayNumber"/> 0) is day 306.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Parts(DateOnly date, out int year, out int month, out int day)
    {
        uint z = (uint)date.DayNumber + 306;
        uint era = z / 146097;
        uint doe = z - (era * 146097);
        uint yoe = (doe - (doe / 1460) + (doe / 36524) - (doe / 146096)) / 365;
        uint doy = doe - ((365 * yoe) + (yoe / 4) - (yoe / 100));
        uint mp = ((5 * doy) + 2) / 153;
        day = (int)(doy - (((153 * mp) + 2) / 5) + 1);
        month = (int)(mp < 10 ? mp + 3 : mp - 9);
        year = (int)(yoe + (era * 400)) + (month <= 2 ? 1 : 0);
    }

    /// <summary>The year of <paramref name="date"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Year(DateOnly date)
    {
        Parts(date, out int y, out _, out _);
        return y;
    }

    /// <summary>yyyymmdd as an integer (a trace step's date).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Ymd(DateOnly date)
    {
        Parts(date, out int y, out int m, out int d);
        return (y * 10000) + (m * 100) + d;
    }

    /// <summary>January 1 of <paramref name="year"/> (1–9999; otherwise <see cref="ArgumentOutOfRangeException"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DateOnly FirstOfYear(int year)
    {
        int y = year - 1;
        if ((uint)y >= 9999) ThrowYear(year);
        return DateOnly.FromDayNumber((365 * y) + (y / 4) - (y / 100) + (y / 400));
    }

    private static void ThrowYear(int year) =>
        throw new ArgumentOutOfRangeException(nameof(year), year, "year must be 1 to 9999");
}
