using System.Globalization;
using BatchSettle.Core.Domain;

namespace BatchSettle.Core.Policy;

/// <summary>
/// Resolution index: for every key id and every (region, insutype) the candidate parameters, most specific first
/// (region+insutype &gt; region &gt; insutype &gt; all), newest first within one specificity. Resolving is a short
/// scan over one array: no allocation, no hashing for well-known keys.
/// </summary>
public sealed partial class PolicySet
{
    private const int Combos = 4; // (Benxi|Yingkou) × (Employee|Resident)

    private PolicyParam[][]? _index;
    private Dictionary<(string Key, string Qualifier), int>? _keyIds;
    private List<(string Key, string Qualifier)>? _keyNames;

    private void EnsureIndex()
    {
        if (_index is not null) return;
        lock (_byId)
        {
            if (_index is not null) return;
            var keyIds = new Dictionary<(string, string), int>();
            var names = new List<(string, string)>();
            foreach (var d in ParamKeys.Defs)
            {
                keyIds.Add(d, names.Count);
                names.Add(d);
            }
            foreach (var p in _all)
            {
                var k = (p.Key, p.Qualifier);
                if (!keyIds.ContainsKey(k))
                {
                    keyIds.Add(k, names.Count);
                    names.Add(k);
                }
            }
            var lists = new List<PolicyParam>[names.Count * Combos];
            var superseded = new HashSet<int>();
            foreach (var p in _all)
            {
                if (p.Supersedes is { } old) superseded.Add(old);
            }
            foreach (var p in _all)
            {
                if (superseded.Contains(p.Id)) continue; // kept for explanations of earlier settlements, never resolved
                int key = keyIds[(p.Key, p.Qualifier)];
                for (int c = 0; c < Combos; c++)
                {
                    var r = (Region)((c >> 1) + 1);
                    var t = (InsuType)((c & 1) + 1);
                    if (p.Region is { } pr && pr != r) continue;
                    if (p.InsuType is { } pt && pt != t) continue;
                    (lists[(key * Combos) + c] ??= []).Add(p);
                }
            }
            var index = new PolicyParam[lists.Length][];
            for (int i = 0; i < lists.Length; i++)
            {
                var l = lists[i];
                if (l is null) { index[i] = []; continue; }
                l.Sort(CompareCandidates);
                CheckOverlaps(l);
                index[i] = [.. l];
            }
            _keyIds = keyIds;
            _keyNames = names;
            _index = index;
        }
    }

    private static int Specificity(PolicyParam p) => (p.Region is null ? 0 : 2) + (p.InsuType is null ? 0 : 1);

    private static int CompareCandidates(PolicyParam a, PolicyParam b)
    {
        int s = Specificity(b).CompareTo(Specificity(a));
        return s != 0 ? s : b.EffectiveFrom.CompareTo(a.EffectiveFrom);
    }

    private static void CheckOverlaps(List<PolicyParam> sorted)
    {
        for (int i = 1; i < sorted.Count; i++)
        {
            var newer = sorted[i - 1];
            var older = sorted[i];
            if (Specificity(newer) != Specificity(older) || newer.Region != older.Region || newer.InsuType != older.InsuType) continue;
            if (older.EffectiveTo is not { } end || end >= newer.EffectiveFrom)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"policy parameters {older.Id} and {newer.Id} ({newer.Key}/{newer.Qualifier}) overlap in their effective dates"));
            }
        }
    }

    /// <summary>Id of (key, qualifier), or -1 when no parameter of that key exists. Allocation-free.</summary>
    public int KeyId(string key, string qualifier)
    {
        EnsureIndex();
        return _keyIds!.TryGetValue((key, qualifier), out int id) ? id : -1;
    }

    /// <summary>(key, qualifier) of a key id.</summary>
    public (string Key, string Qualifier) KeyName(int keyId)
    {
        EnsureIndex();
        return _keyNames![keyId];
    }

    /// <summary>
    /// The parameter in force for a claim of <paramref name="region"/>/<paramref name="insuType"/> settled on
    /// <paramref name="date"/>; null when none (the caller quarantines the claim, never guesses). Allocation-free.
    /// </summary>
    public PolicyParam? Resolve(int keyId, Region region, InsuType insuType, DateOnly date)
    {
        EnsureIndex();
        if ((uint)keyId >= (uint)_keyNames!.Count) return null;
        var cands = _index![(keyId * Combos) + (((int)region - 1) << 1) + ((int)insuType - 1)];
        for (int i = 0; i < cands.Length; i++)
        {
            var p = cands[i];
            if (p.EffectiveFrom <= date && (p.EffectiveTo is not { } to || date <= to)) return p;
        }
        return null;
    }

    /// <summary>Resolves by (key, qualifier) text; for cold paths (subsidies, tests).</summary>
    public PolicyParam? Resolve(string key, string qualifier, Region region, InsuType insuType, DateOnly date) =>
        Resolve(KeyId(key, qualifier), region, insuType, date);

    /// <summary>The quarantine reason for a parameter that could not be resolved.</summary>
    public string MissingReason(int keyId, Region region, InsuType insuType, DateOnly date)
    {
        var (key, qual) = (uint)keyId < (uint)KeyCount ? KeyName(keyId) : ("?", "?");
        return MissingReason(key, qual, region, insuType, date);
    }

    /// <summary>The quarantine reason for a missing (key, qualifier).</summary>
    public static string MissingReason(string key, string qualifier, Region region, InsuType insuType, DateOnly date) =>
        string.Create(CultureInfo.InvariantCulture,
            $"missing parameter {key}/{qualifier} for {Codes.Admdvs(region)}/{Codes.Insutype(insuType)} on {date:yyyy-MM-dd}");

    /// <summary>Number of key ids (well-known plus those only in the data).</summary>
    public int KeyCount
    {
        get
        {
            EnsureIndex();
            return _keyNames!.Count;
        }
    }
}
