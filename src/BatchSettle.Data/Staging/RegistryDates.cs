using System.Globalization;
using System.Text.RegularExpressions;

namespace BatchSettle.Data.Staging;

/// <summary>
/// Dates of the registry's snapshots (issue 13, item 4). Both regions are in Liaoning: the registry's calendar is
/// China Standard Time (UTC+8, no daylight saving), so a snapshot dated 1 April is in force for a month-end run at
/// 02:00 on 1 April, which is still 31 March in UTC.
/// </summary>
public static partial class RegistryDates
{
    private static readonly TimeZoneInfo China = Resolve();

    /// <summary>The date in China Standard Time at <paramref name="instant"/>.</summary>
    public static DateOnly InChina(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, China).DateTime);

    /// <summary>
    /// The as_of of a persons load when <c>--as-of</c> is not given: a date in the file's name
    /// (<c>persons-2025-04-01.csv</c>, <c>persons_20250401.csv</c>), else the day of the load in China Standard Time.
    /// </summary>
    public static DateOnly Default(string path, DateTimeOffset now) => FromFileName(path) ?? InChina(now);

    /// <summary>The last YYYY-MM-DD or YYYYMMDD date in the file's name, if it is a real date.</summary>
    public static DateOnly? FromFileName(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        DateOnly? found = null;
        foreach (Match m in DatePattern().Matches(name))
        {
            string s = m.Groups[1].Value + "-" + m.Groups[2].Value + "-" + m.Groups[3].Value;
            if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                && d >= StagingLoader.MinDate && d <= StagingLoader.MaxDate)
            {
                found = d;
            }
        }
        return found;
    }

    [GeneratedRegex(@"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")]
    private static partial Regex DatePattern();

    private static TimeZoneInfo Resolve()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("China Standard Time", TimeSpan.FromHours(8), "China Standard Time", "China Standard Time");
        }
    }
}
