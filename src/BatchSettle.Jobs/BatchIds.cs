using System.Globalization;

namespace BatchSettle.Jobs;

/// <summary>Batch ids of the form <c>&lt;admdvs&gt;-&lt;yyyy&gt;-&lt;MM&gt;</c> (CONTRACT.md: e.g. <c>210500-2025-03</c>).</summary>
public static class BatchIds
{
    /// <summary>
    /// The batch a month-end run fired at <paramref name="instant"/> settles: the calendar month before the one the
    /// instant falls in, reckoned in <paramref name="zone"/>. 02:00 on 1 April Beijing time is still 31 March in UTC,
    /// which is why the zone matters.
    /// </summary>
    public static string PreviousMonth(string admdvs, DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(admdvs);
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var month = new DateOnly(local.Year, local.Month, 1).AddMonths(-1);
        return Format(admdvs, month.Year, month.Month);
    }

    /// <summary>The batch id of one region's month.</summary>
    public static string Format(string admdvs, int year, int month) =>
        string.Create(CultureInfo.InvariantCulture, $"{admdvs}-{year:D4}-{month:D2}");

    /// <summary>Whether <paramref name="batchId"/> has the shape of a batch id; the CLI refuses anything else early.</summary>
    public static bool IsWellFormed(string? batchId)
    {
        if (batchId is null || batchId.Length is < 9 or > 64)
        {
            return false;
        }

        foreach (var c in batchId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                return false;
            }
        }

        return true;
    }
}
