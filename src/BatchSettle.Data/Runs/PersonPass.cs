using BatchSettle.Core.Settlement;

namespace BatchSettle.Data.Runs;

/// <summary>What the runner keeps while it settles one person's claims: the person-year accumulators, and the
/// results settled so far (a reversal may negate a claim settled a moment earlier in the same pass).</summary>
internal sealed class PersonPass
{
    public readonly Dictionary<int, YearState> Years = [];
    public readonly Dictionary<string, OriginalResult> Settled = new(StringComparer.Ordinal);
    public readonly HashSet<string> Reversed = new(StringComparer.Ordinal);
    public string PsnNo = "";

    public void Reset(string psnNo)
    {
        PsnNo = psnNo;
        Years.Clear();
        Settled.Clear();
        Reversed.Clear();
    }

    /// <summary>The person's state for <paramref name="year"/>, loaded from the streamed row's stored accumulators.</summary>
    public YearState Year(int year, ClaimRow row)
    {
        if (Years.TryGetValue(year, out var ys)) return ys;
        ys = new YearState();
        if (row.AccYear == year && row.Acc is { } acc)
        {
            for (int i = 0; i < acc.Length && i < AccSlot.Count; i++) ys.State[i] = acc[i];
        }
        Years.Add(year, ys);
        return ys;
    }

    public void AddAccumulators(Chunk chunk)
    {
        foreach (var (year, ys) in Years)
        {
            if (!ys.Dirty) continue;
            var arr = new long[AccSlot.Count];
            for (int i = 0; i < arr.Length; i++) arr[i] = ys.State[i];
            chunk.Accumulators.Add((PsnNo, year, arr));
        }
    }
}

/// <summary>One person-year's accumulators.</summary>
internal sealed class YearState
{
    public PersonYearState State;
    public bool Dirty;
}
