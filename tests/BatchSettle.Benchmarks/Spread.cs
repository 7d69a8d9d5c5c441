using System.Globalization;

namespace BatchSettle.Benchmarks;

/// <summary>Median and min–max of one figure over the measured pairs (or runs), formatted for the summary tables.</summary>
internal readonly record struct Spread(double Median, double Min, double Max, int Count)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).OrderBy(x => x).ToArray();
        if (v.Length == 0) return new Spread(double.NaN, double.NaN, double.NaN, 0);
        double median = v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        return new Spread(median, v[0], v[^1], v.Length);
    }

    /// <summary>"0.65 (0.60–0.70)"; just the median when there is one value.</summary>
    public string Format(string format, string unit = "")
    {
        var ic = CultureInfo.InvariantCulture;
        if (Count == 0) return "-";
        string m = Median.ToString(format, ic) + unit;
        return Count == 1 ? m : $"{m} ({Min.ToString(format, ic)}–{Max.ToString(format, ic)})";
    }
}
