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
    private Epochs[]? _epochs;
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
            var epochs = new Epochs[Combos];
            for (int c = 0; c < Combos; c++) epochs[c] = BuildEpochs(index, names.Count, c);
            _epochs = epochs;
        }
    }

    /// <summary>
    /// One (region, insutype)'s resolutions, precomputed: every date on which some candidate's validity starts or ends
    /// opens an epoch, and within an epoch every key resolves to the same parameter, so <see cref="View"/> is a lookup
    /// of the epoch by day and a claim's parameters are then one array load each.
    /// </summary>
    private sealed class Epochs(int firstDay, ushort[] byDay, PolicyParam?[][] views)
    {
        /// <summary>Day (<see cref="DateOnly.DayNumber"/>) of <see cref="ByDay"/>[0]: where the second epoch opens.</summary>
        public readonly int FirstDay = firstDay;

        /// <summary>Epoch of each day from <see cref="FirstDay"/> to the last epoch's first day; before: epoch 0, after: the last.</summary>
        public readonly ushort[] ByDay = byDay;

        /// <summary>For each epoch, the parameter in force for each key id (null: none).</summary>
        public readonly PolicyParam?[][] Views = views;
    }

    private static Epochs BuildEpochs(PolicyParam[][] index, int keyCount, int combo)
    {
        var starts = new SortedSet<int> { DateOnly.MinValue.DayNumber };
        for (int k = 0; k < keyCount; k++)
        {
            foreach (var p in index[(k * Combos) + combo])
            {
                starts.Add(p.EffectiveFrom.DayNumber);
                if (p.EffectiveTo is { } to && to < DateOnly.MaxValue) starts.Add(to.DayNumber + 1);
            }
        }
        var days = starts.ToArray();
        var views = new PolicyParam?[days.Length][];
        for (int e = 0; e < days.Length; e++)
        {
            var view = new PolicyParam?[keyCount];
            var day = DateOnly.FromDayNumber(days[e]);
            for (int k = 0; k < keyCount; k++) view[k] = Scan(index[(k * Combos) + combo], day);
            views[e] = view;
        }
        if (days.Length == 1) return new Epochs(int.MaxValue, [], views);
        if (days.Length > ushort.MaxValue) throw new ArgumentException("too many distinct effective dates in the policy parameters");
        int first = days[1];
        var byDay = new ushort[days[^1] - first + 1];
        for (int e = 1; e < days.Length; e++)
        {
            int end = e + 1 < days.Length ? days[e + 1] : days[e] + 1;
            for (int d = days[e]; d < end; d++) byDay[d - first] = (ushort)e;
        }
        return new Epochs(first, byDay, views);
    }

    private static PolicyParam? Scan(PolicyParam[] cands, DateOnly date)
    {
        for (int i = 0; i < cands.Length; i++)
        {
            var p = cands[i];
            if (p.EffectiveFrom <= date && (p.EffectiveTo is not { } to || date <= to)) return p;
        }
        return null;
    }

    /// <summary>
    /// Every key's parameter in force for a claim of <paramref name="region"/>/<paramref name="insuType"/> settled on
    /// <paramref name="date"/>, indexed by key id (null: none in force); the same answers as <see cref="Resolve(int,
    /// Region, InsuType, DateOnly)"/> for every key, fetched once per claim. An unknown region or insutype gets a view
    /// in which nothing resolves. Allocation-free; the array is shared and must not be written.
    /// </summary>
    public PolicyParam?[] View(Region region, InsuType insuType, DateOnly date)
    {
        var all = _epochs;
        if (all is null)
        {
            EnsureIndex();
            all = _epochs!;
        }
        uint ri = (uint)region - 1, ti = (uint)insuType - 1;
        if (ri > 1 || ti > 1) return _noneView ??= new PolicyParam?[KeyCount];
        var ep = all[(int)((ri << 1) | ti)];
        int i = date.DayNumber - ep.FirstDay;
        var byDay = ep.ByDay;
        int e = i < 0 ? 0 : i < byDay.Length ? byDay[i] : ep.Views.Length - 1;
        return ep.Views[e];
    }

    private PolicyParam?[]? _noneView;

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
        return Scan(_index![(keyId * Combos) + (((int)region - 1) << 1) + ((int)insuType - 1)], date);
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
