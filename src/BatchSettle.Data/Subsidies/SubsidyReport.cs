using System.Globalization;
using System.Text;
using BatchSettle.Core.Money;

namespace BatchSettle.Data.Subsidies;

/// <summary>Count and fen totals of one hardship category (amount = city + county).</summary>
public sealed record CategoryTotal(string Category, long Count, long Amount, long City, long County);

/// <summary>The outcome of <see cref="SubsidyPoster.PostAsync"/> for one region-year.</summary>
public sealed class SubsidyReport(string admdvs, int year, string batchId)
{
    public string Admdvs { get; } = admdvs;
    public int Year { get; } = year;
    /// <summary>ledger_line.batch_id of the region-year's subsidy entries.</summary>
    public string BatchId { get; } = batchId;
    /// <summary>The subsidy_run of this call; null when nothing new was posted.</summary>
    public long? RunId { get; set; }
    /// <summary>Resident person-years with a hardship cell not posted before this call.</summary>
    public long Considered { get; set; }
    public long Posted { get; set; }
    /// <summary>Person-years of the region-year posted by earlier runs (skipped).</summary>
    public long AlreadyPosted { get; set; }
    /// <summary>No identity with a subsidy held on the identity date (e.g. only I, or identities starting later).</summary>
    public long NoSubsidy { get; set; }
    /// <summary>Not posted: a parameter is missing (never guessed); a rerun posts them once the policy data has it.</summary>
    public long MissingParam { get; set; }
    /// <summary>Not posted: the hardship cell is unreadable.</summary>
    public long BadInput { get; set; }
    public long PostedAssumed { get; set; }
    public List<CategoryTotal> New { get; } = [];
    /// <summary>Everything posted for the region-year, this run included.</summary>
    public List<CategoryTotal> OnBooks { get; } = [];
    /// <summary>The region-year's funding is split city : county (a ps.city_bp parameter applied); else no split columns.</summary>
    public bool Split { get; set; }
    public Dictionary<string, long> MissingReasons { get; } = new(StringComparer.Ordinal);
    public List<string> BadRows { get; } = [];

    internal static void Add(List<CategoryTotal> into, string category, long amount, long city, long county)
    {
        int i = into.FindIndex(c => c.Category == category);
        if (i < 0)
        {
            into.Add(new CategoryTotal(category, 1, amount, city, county));
            into.Sort((a, b) => string.CompareOrdinal(a.Category, b.Category));
            return;
        }
        var c = into[i];
        into[i] = c with { Count = c.Count + 1, Amount = c.Amount + amount, City = c.City + city, County = c.County + county };
    }

    public string Format()
    {
        var sb = new StringBuilder();
        var ic = CultureInfo.InvariantCulture;
        if (RunId is { } run)
        {
            sb.Append(ic, $"subsidies {Admdvs} {Year}: run {run} posted {Posted} person-years to the ledger as batch {BatchId}\n");
        }
        else if (Considered == 0 && AlreadyPosted == 0)
        {
            sb.Append(ic, $"subsidies {Admdvs} {Year}: nothing to post: staging_person has no resident person-year of {Admdvs} {Year} with a hardship identity\n");
        }
        else
        {
            sb.Append(ic, $"subsidies {Admdvs} {Year}: nothing new to post ({AlreadyPosted} person-years already posted)\n");
        }
        sb.Append(ic, $"  considered {Considered} (resident, hardship, not yet posted): posted {Posted}, no subsidy {NoSubsidy}, missing parameter {MissingParam}, bad input {BadInput}; already posted before {AlreadyPosted}\n");
        if (Posted > 0) sb.Append(ic, $"  posted with an assumed parameter {PostedAssumed}\n");
        foreach (var (reason, n) in MissingReasons.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            sb.Append(ic, $"  not posted, {reason}: {n}\n");
        }
        foreach (var b in BadRows) sb.Append(ic, $"  bad input: {b}\n");
        if (BadInput > BadRows.Count) sb.Append(ic, $"  bad input: ... {BadInput - BadRows.Count} more\n");
        if (New.Count > 0) Table(sb, "posted now", New, Split);
        Table(sb, "on the books", OnBooks, Split);
        if (!Split && OnBooks.Count > 0) sb.Append("  (no city : county funding split for this region: one subsidy_expense line per entry)\n");
        return sb.ToString();
    }

    /// <summary>Per-category table with a total line; city / county columns are the funding split (Benxi: all city).</summary>
    internal static void Table(StringBuilder sb, string title, IReadOnlyList<CategoryTotal> rows, bool split)
    {
        var ic = CultureInfo.InvariantCulture;
        sb.Append(ic, $"  {title,-13}{"persons",9}{"amount",16}");
        sb.Append(split ? $"{"city",16}{"county",16}\n" : "\n");
        long n = 0, amt = 0, city = 0, county = 0;
        foreach (var c in rows)
        {
            Row(c.Category, c.Count, c.Amount, c.City, c.County);
            n += c.Count; amt += c.Amount; city += c.City; county += c.County;
        }
        Row("total", n, amt, city, county);

        void Row(string label, long count, long amount, long c, long k)
        {
            sb.Append(ic, $"    {label,-11}{count,9}{FenMath.FormatYuan(amount),16}");
            sb.Append(split ? string.Create(ic, $"{FenMath.FormatYuan(c),16}{FenMath.FormatYuan(k),16}\n") : "\n");
        }
    }
}
