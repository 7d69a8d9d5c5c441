using BatchSettle.Core.Settlement;

namespace BatchSettle.Data.Runs;

/// <summary>What the runner keeps while it settles one person's claims: the person-year accumulators (a few inline
/// slots, reused for every person), and where the person's results start in the chunk (a reversal may negate a claim
/// settled a moment earlier in the same pass; chunks hold whole persons, so that claim is in the same chunk).</summary>
internal sealed class PersonPass
{
    private int[] _years = new int[4];
    private PersonYearState[] _states = new PersonYearState[4];
    private bool[] _dirty = new bool[4];
    private int _count;

    public string PsnNo = "";

    /// <summary>Index in the chunk's results of the person's first claim.</summary>
    public int FirstResult;

    public void Reset(string psnNo, int firstResult)
    {
        PsnNo = psnNo;
        FirstResult = firstResult;
        _count = 0;
    }

    /// <summary>The person's state for <paramref name="year"/>, loaded from the streamed row's stored accumulators.</summary>
    public ref PersonYearState Year(int year, in ClaimRow row, out int slot)
    {
        for (slot = 0; slot < _count; slot++)
        {
            if (_years[slot] == year) return ref _states[slot];
        }
        if (_count == _years.Length)
        {
            Array.Resize(ref _years, _count * 2);
            Array.Resize(ref _states, _count * 2);
            Array.Resize(ref _dirty, _count * 2);
        }
        slot = _count++;
        _years[slot] = year;
        _dirty[slot] = false;
        _states[slot] = row.AccYear == year && row.HasAcc ? row.Acc : default;
        return ref _states[slot];
    }

    public void MarkDirty(int slot) => _dirty[slot] = true;

    public void AddAccumulators(Chunk chunk)
    {
        for (int i = 0; i < _count; i++)
        {
            if (!_dirty[i]) continue;
            ref var a = ref chunk.AddAccumulator();
            a.PsnNo = PsnNo;
            a.Year = _years[i];
            a.Acc = _states[i];
        }
    }
}
