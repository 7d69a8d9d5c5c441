using System.Globalization;
using System.Text;
using BatchSettle.Core.Domain;
using BatchSettle.Core.Money;
using BatchSettle.Core.Policy;

namespace BatchSettle.Core.Assistance;

/// <summary>
/// One settled, non-reversed claim of the applicant in the look-back window (YK-MA-09), as the application needs it.
/// </summary>
/// <param name="SetlId">The claim, for the explanation.</param>
/// <param name="SettleDate">Settlement date (enddate): picks the window and the calendar year.</param>
/// <param name="MedType">Only inpatient, emergency observation, chronic outpatient and 两病 feed assistance (YK-MA-03a).</param>
/// <param name="Setting">Temporary (unreferred remote) care gets no assistance at all (YK-MA-07).</param>
/// <param name="InProvince">Tilted assistance only for proper care inside Liaoning (YK-MA-05).</param>
/// <param name="AssistBase">Policy-scope personal burden after basic fund and second tier, fen (YK-MA-03a).</param>
/// <param name="BasicPaid">Basic assistance already paid on the claim (any category), fen.</param>
/// <param name="TiltPaid">Tilted assistance already paid on the claim (any category), fen.</param>
public readonly record struct WindowClaim(
    string SetlId,
    DateOnly SettleDate,
    MedType MedType,
    CareSetting Setting,
    bool InProvince,
    long AssistBase,
    long BasicPaid,
    long TiltPaid);

/// <summary>What the application decided. Amounts in fen.</summary>
public sealed class IllnessApplicationResult
{
    public bool Granted { get; internal set; }
    /// <summary>Why it was refused (null when granted).</summary>
    public string? Reason { get; internal set; }
    public DateOnly WindowFrom { get; internal set; }
    public DateOnly WindowTo { get; internal set; }
    public long Basic { get; internal set; }
    public long Tilted { get; internal set; }
    public long Total => Basic + Tilted;
    /// <summary>Basic and tilted amounts attributed to each calendar year of the window (the year's cap limits them).</summary>
    public SortedDictionary<int, (long Basic, long Tilted)> ByYear { get; } = [];
    public bool Assumed { get; internal set; }
    public List<ApplicationStep> Steps { get; } = [];

    /// <summary>The explanation, one step a line: rule, what, base → amount, parameters with their provenance.</summary>
    public string Render(PolicySet policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var sb = new StringBuilder();
        var ic = CultureInfo.InvariantCulture;
        foreach (var s in Steps)
        {
            sb.Append(ic, $"  {s.Rule,-9} {s.What}: {FenMath.FormatYuan(s.Base)} → {FenMath.FormatYuan(s.Amount)}");
            foreach (int id in s.Params)
            {
                if (policy.Find(id) is not { } p) continue;
                sb.Append(ic, $" [#{p.Id} {p.Key}/{p.Qualifier}={p.Value} {p.Unit}, {p.Provenance.ToString().ToLowerInvariant()}, {p.Citation}]");
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}

/// <summary>One step of an application's explanation.</summary>
public sealed record ApplicationStep(string Rule, string What, long Base, long Amount, IReadOnlyList<int> Params);

/// <summary>
/// YK-MA-09 (营政办发〔2022〕23号 第十三条): a person impoverished by illness (category I) is assisted on application, once,
/// for the personal burden of the 12 months before the application date, by the I rows of YK-MA-04 (basic) and YK-MA-05
/// (tilted). A pure calculation; docs/INTERPRETATIONS.md §8 "YK-MA-09" gives the readings it implements:
/// <list type="bullet">
/// <item>Window [application date − ma.i_lookback_months, application date − 1 day], by settlement date.</item>
/// <item>Base of a claim = its assistance base less the assistance already paid on it (the burden the person still
/// carries); ordinary outpatient and unreferred remote care add nothing.</item>
/// <item>One deductible for the whole window, consumed in calendar order (the YK-MA-03 running-total formula with the
/// window as the period); each calendar year's share is limited by what remains of that year's cap (everything already
/// paid in the year counts, whatever category), and the whole application by the cap once less what was already paid
/// on the window's claims.</item>
/// <item>Tilted: the in-province proper part only, after the basic assistance attributed to it in proportion.</item>
/// </list>
/// </summary>
public static class IllnessApplication
{
    public const string RuleId = "YK-MA-09";
    private const string Basic04 = "YK-MA-04";
    private const string Tilt05 = "YK-MA-05";

    /// <summary>The look-back window of an application (both ends inclusive); null when the parameter is missing.</summary>
    public static (DateOnly From, DateOnly To, PolicyParam Param)? Window(PolicySet policy, Region region, InsuType insuType, DateOnly applicationDate)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var p = policy.Resolve("ma.i_lookback_months", "I", region, insuType, applicationDate);
        if (p is null) return null;
        return (applicationDate.AddMonths(-checked((int)p.Value)), applicationDate.AddDays(-1), p);
    }

    /// <summary>
    /// Decides an application. <paramref name="identityStart"/> is the start of the applicant's category-I identity
    /// (null: not held). <paramref name="claims"/> may contain claims outside the window: they are left out.
    /// <paramref name="paidInYear"/> is the assistance (basic, tilted) already paid in each calendar year on all of the
    /// person's claims, inside or outside the window (YK-MA-03: everything paid in the year counts).
    /// </summary>
    public static IllnessApplicationResult Decide(PolicySet policy, Region region, InsuType insuType, DateOnly? identityStart,
        DateOnly applicationDate, IEnumerable<WindowClaim> claims, IReadOnlyDictionary<int, (long Basic, long Tilted)>? paidInYear = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(claims);
        var r = new IllnessApplicationResult();
        if (identityStart is not { } start)
        {
            return Refuse(r, "the applicant does not hold category I (因病致贫重病患者)");
        }
        if (start > applicationDate)
        {
            return Refuse(r, string.Create(CultureInfo.InvariantCulture, $"category I starts {start:yyyy-MM-dd}, after the application date"));
        }
        r.Steps.Add(new(RuleId, string.Create(CultureInfo.InvariantCulture,
            $"category I held from {start:yyyy-MM-dd}; application of {applicationDate:yyyy-MM-dd}"), 0, 0, []));
        if (Window(policy, region, insuType, applicationDate) is not { } w)
        {
            return Refuse(r, PolicySet.MissingReason("ma.i_lookback_months", "I", region, insuType, applicationDate));
        }
        (r.WindowFrom, r.WindowTo) = (w.From, w.To);
        r.Assumed |= w.Param.Provenance == Provenance.Assumed;
        r.Steps.Add(new(RuleId, string.Create(CultureInfo.InvariantCulture,
            $"look-back window {w.From:yyyy-MM-dd} .. {w.To:yyyy-MM-dd} ({w.Param.Value} months before the application date)"), 0, 0, [w.Param.Id]));

        PolicyParam? Need(string key, out string? missing)
        {
            var p = policy.Resolve(key, "I", region, insuType, applicationDate);
            missing = p is null ? PolicySet.MissingReason(key, "I", region, insuType, applicationDate) : null;
            if (p is not null) r.Assumed |= p.Provenance == Provenance.Assumed;
            return p;
        }
        var bd = Need("ma.basic.dedc", out var m1);
        var br = Need("ma.basic.ratio", out var m2);
        var bc = Need("ma.basic.cap", out var m3);
        var td = Need("ma.tilt.dedc", out var m4);
        var tr = Need("ma.tilt.ratio", out var m5);
        var tc = Need("ma.tilt.cap", out var m6);
        if (bd is null || br is null || bc is null || td is null || tr is null || tc is null)
        {
            return Refuse(r, m1 ?? m2 ?? m3 ?? m4 ?? m5 ?? m6);
        }

        // Per calendar year of the window: the remaining burden (all, and its in-province proper part), what was
        // already paid on the window's claims.
        var years = new SortedDictionary<int, YearPart>();
        long paidBasicWindow = 0, paidTiltWindow = 0;
        foreach (var c in claims)
        {
            if (c.SettleDate < w.From || c.SettleDate > w.To) continue;
            if (!(c.MedType is MedType.Inpatient or MedType.MaternityInpatient or MedType.EmergencyObservation
                    or MedType.ChronicOutpatient or MedType.TwoDiseases)) continue;
            if (c.Setting == CareSetting.Temporary) continue;
            if (!years.TryGetValue(c.SettleDate.Year, out var y)) years[c.SettleDate.Year] = y = new YearPart();
            long rest = c.AssistBase - c.BasicPaid - c.TiltPaid;
            y.Burden += rest;
            if (c.InProvince) y.InProvince += rest;
            y.Claims++;
            paidBasicWindow += c.BasicPaid;
            paidTiltWindow += c.TiltPaid;
        }
        long burden = 0;
        foreach (var (year, y) in years)
        {
            burden += y.Burden;
            r.Steps.Add(new(RuleId, string.Create(CultureInfo.InvariantCulture,
                $"{year}: {y.Claims} assisted claims, burden after basic fund, second tier and earlier assistance (in province {FenMath.FormatYuan(y.InProvince)})"),
                y.Burden, y.Burden, []));
        }
        if (years.Count == 0)
        {
            return Refuse(r, "no assisted personal burden in the look-back window");
        }

        // Basic (YK-MA-04, I row): one deductible for the window, consumed in calendar order.
        long windowRoom = Math.Max(0, bc.Value - paidBasicWindow);
        r.Steps.Add(new(Basic04, "basic cap once for the application, less basic assistance already paid on the window's claims",
            bc.Value, windowRoom, [bc.Id]));
        long b0 = 0;
        foreach (var (year, y) in years)
        {
            long b1 = b0 + y.Burden;
            long raw = Math.Max(0, FenMath.MulBp(Math.Max(0, b1 - bd.Value) - Math.Max(0, b0 - bd.Value), checked((int)br.Value)));
            long yearPaid = paidInYear?.GetValueOrDefault(year).Basic ?? 0;
            long yearRoom = Math.Max(0, bc.Value - yearPaid);
            y.Basic = Math.Min(raw, Math.Min(yearRoom, windowRoom));
            windowRoom -= y.Basic;
            r.Steps.Add(new(Basic04, string.Create(CultureInfo.InvariantCulture,
                $"{year}: basic increment above the window's deductible × ratio, limited by {year}'s cap less {FenMath.FormatYuan(yearPaid)} already paid in {year}"),
                b1, y.Basic, [bd.Id, br.Id, bc.Id]));
            b0 = b1;
        }

        // Tilted (YK-MA-05, I row): the in-province proper part after the basic assistance attributed to it.
        long tiltRoom = Math.Max(0, tc.Value - paidTiltWindow);
        r.Steps.Add(new(Tilt05, "tilted cap once for the application, less tilted assistance already paid on the window's claims",
            tc.Value, tiltRoom, [tc.Id]));
        long t0 = 0;
        foreach (var (year, y) in years)
        {
            long basicIn = y.Burden <= 0 || y.InProvince <= 0 ? 0 : DivHalfUp(checked(y.Basic * y.InProvince), y.Burden);
            long rest = Math.Max(0, y.InProvince - basicIn);
            long t1 = t0 + rest;
            long raw = Math.Max(0, FenMath.MulBp(Math.Max(0, t1 - td.Value) - Math.Max(0, t0 - td.Value), checked((int)tr.Value)));
            long yearPaid = paidInYear?.GetValueOrDefault(year).Tilted ?? 0;
            long yearRoom = Math.Max(0, tc.Value - yearPaid);
            y.Tilted = Math.Min(raw, Math.Min(yearRoom, tiltRoom));
            tiltRoom -= y.Tilted;
            r.Steps.Add(new(Tilt05, string.Create(CultureInfo.InvariantCulture,
                $"{year}: tilted on the in-province proper burden less its share of basic ({FenMath.FormatYuan(basicIn)}), increment above the deductible × ratio, limited by {year}'s cap less {FenMath.FormatYuan(yearPaid)} already paid"),
                t1, y.Tilted, [td.Id, tr.Id, tc.Id]));
            t0 = t1;
        }

        foreach (var (year, y) in years)
        {
            r.ByYear[year] = (y.Basic, y.Tilted);
            r.Basic += y.Basic;
            r.Tilted += y.Tilted;
        }
        r.Steps.Add(new(RuleId, "one-time assistance: basic + tilted", r.Basic, r.Total, []));
        if (r.Total <= 0)
        {
            return Refuse(r, "nothing to grant: the window's burden does not exceed the deductible, or the caps are used up");
        }
        r.Granted = true;
        // YK-MA-03: what is paid in a year counts against that year's caps, whatever category; the grant's year shares
        // therefore join the year's running totals of assistance paid (docs/INTERPRETATIONS.md §8 "YK-MA-09").
        foreach (var (year, (basic, tilted)) in r.ByYear)
        {
            if (basic == 0 && tilted == 0) continue;
            r.Steps.Add(new("YK-MA-03", string.Create(CultureInfo.InvariantCulture,
                $"{year}: basic {FenMath.FormatYuan(basic)} and tilted {FenMath.FormatYuan(tilted)} join {year}'s assistance paid totals (assist_basic_paid, assist_tilt_paid) for the claims settled after the grant"),
                basic + tilted, basic + tilted, []));
        }
        return r;
    }

    /// <summary>"Once" (第十三条 一次性救助): the refusal of a second application in the same identity period.</summary>
    public static IllnessApplicationResult AlreadyGranted(long applicationId, DateOnly grantedOn) =>
        Refuse(new IllnessApplicationResult(), string.Create(CultureInfo.InvariantCulture,
            $"already granted once for this category-I identity (application {applicationId} of {grantedOn:yyyy-MM-dd}); 第十三条 assists once"));

    /// <summary>round_half_up(a / b) for a ≥ 0, b &gt; 0.</summary>
    private static long DivHalfUp(long a, long b) => (a / b) + ((a % b) * 2 >= b ? 1 : 0);

    private static IllnessApplicationResult Refuse(IllnessApplicationResult r, string? reason)
    {
        r.Granted = false;
        r.Reason = reason ?? "refused";
        r.Basic = 0;
        r.Tilted = 0;
        r.ByYear.Clear();
        r.Steps.Add(new(RuleId, "refused: " + r.Reason, 0, 0, []));
        return r;
    }

    private sealed class YearPart
    {
        public long Burden;
        public long InProvince;
        public int Claims;
        public long Basic;
        public long Tilted;
    }
}
