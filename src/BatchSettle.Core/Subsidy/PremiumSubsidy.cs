using BatchSettle.Core.Domain;
using BatchSettle.Core.Money;
using BatchSettle.Core.Policy;

namespace BatchSettle.Core.Subsidy;

/// <summary>
/// §11 premium subsidy (PS-01): the medical assistance fund pays part of a hardship person's resident premium; most
/// favourable identity only; in Yingkou the subsidy is funded city : county = 3 : 7.
/// </summary>
public static class PremiumSubsidy
{
    /// <summary>Rule id posted with the subsidy.</summary>
    public const string RuleId = "PS-01";

    /// <summary>
    /// The subsidy for one resident person-year. <paramref name="onDate"/> selects the identities held (start date on or
    /// before it) and the parameter versions; <paramref name="premiumFen"/> is the personal premium, or null to take
    /// ps.premium from the policy. Returns <see cref="PremiumSubsidyResult.Missing"/> set when a needed parameter is
    /// absent (the caller must not post a guess).
    /// </summary>
    public static PremiumSubsidyResult Compute(PolicySet policy, in PersonIn person, DateOnly onDate, long? premiumFen = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var r = new PremiumSubsidyResult { RuleId = RuleId };
        if (person.InsuType != InsuType.Resident) return r;
        PolicyParam? best = null;
        HardshipCategory bestCat = default;
        for (int i = 0; i < HardshipStarts.AssistanceCount; i++)
        {
            var cat = (HardshipCategory)i;
            if (!person.Hardship.Holds(cat, onDate)) continue;
            var p = policy.Resolve(ParamKeys.PsPct + i, person.Region, person.InsuType, onDate);
            if (p is not null && (best is null || p.Value > best.Value))
            {
                best = p;
                bestCat = cat;
            }
        }
        if (best is null) return r; // no identity with a subsidy (e.g. I, or none)
        long premium;
        if (premiumFen is { } given)
        {
            premium = given;
        }
        else
        {
            var pp = policy.Resolve(ParamKeys.PsPremium, person.Region, person.InsuType, onDate);
            if (pp is null)
            {
                r.Missing = PolicySet.MissingReason("ps.premium", "", person.Region, person.InsuType, onDate);
                return r;
            }
            premium = pp.Value;
            r.PremiumParamId = pp.Id;
            r.Assumed |= pp.Provenance == Provenance.Assumed;
        }
        r.Category = bestCat;
        r.PctBp = checked((int)best.Value);
        r.PctParamId = best.Id;
        r.Assumed |= best.Provenance == Provenance.Assumed;
        r.Amount = FenMath.MulBp(premium, r.PctBp);
        // PS-01 (v2) funding split, as data for both cities: Yingkou 3 : 7; Benxi 5 : 5 before 2023, the city all of it
        // from 2023 ([000:195]).
        var city = policy.Resolve(ParamKeys.PsCityBp, person.Region, person.InsuType, onDate);
        if (city is null)
        {
            r.Missing = PolicySet.MissingReason("ps.city_bp", "", person.Region, person.InsuType, onDate);
            return r;
        }
        r.CityAmount = FenMath.MulBp(r.Amount, checked((int)city.Value));
        r.CountyAmount = r.Amount - r.CityAmount; // the remainder, so the split adds up to the fen
        r.SplitParamId = city.Id;
        r.Assumed |= city.Provenance == Provenance.Assumed;
        return r;
    }
}

/// <summary>Outcome of <see cref="PremiumSubsidy.Compute"/>; amounts in fen.</summary>
public struct PremiumSubsidyResult
{
    public string RuleId;
    /// <summary>The identity that applied (most favourable); meaningful when <see cref="Amount"/> &gt; 0.</summary>
    public HardshipCategory Category;
    public int PctBp;
    public long Amount;
    /// <summary>City share (Yingkou 3/10; Benxi 5/10 before 2023, all of it from 2023).</summary>
    public long CityAmount;
    /// <summary>County share (the remainder).</summary>
    public long CountyAmount;
    public int PctParamId;
    public int PremiumParamId;
    public int SplitParamId;
    public bool Assumed;
    /// <summary>Missing-parameter reason; null when computed.</summary>
    public string? Missing;
}
