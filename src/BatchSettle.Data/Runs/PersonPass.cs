using BatchSettle.Core.Settlement;

namespace BatchSettle.Data.Runs;

/// <summary>What the runner keeps while it settles one person's claims: the person's accumulators (a few inline slots,
/// reused for every person), and where the person's results start in the chunk (a reversal may negate a claim settled a
/// moment earlier in the same pass; chunks hold whole persons, so that claim is in the same chunk).
/// (v2) One state per (year, insutype): a resident who joins employee insurance has a 390 and a 310 row in one year, and
/// POLICY.md EL-01 keeps their §6/§7 running totals apart while the §8/§9 totals are the person's. The person-level
/// slots (<see cref="AccSlot.PersonLevel"/>) are therefore kept equal in every state of a year: a state loaded while
/// another of its year is in the pass takes that one's person-level slots (the pass is newer than what is stored), and
/// <see cref="Share"/> copies them on after every claim. A person with one insutype has one state a year, as before.</summary>
internal sealed class PersonPass
{
    private int[] _years = new int[4];
    private string[] _insutypes = new string[4];
    private PersonYearState[] _states = new PersonYearState[4];
    private bool[] _dirty = new bool[4];
    private bool[] _stored = new bool[4];
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

    /// <summary>The person's state for <paramref name="year"/> and the claim's insutype, loaded from the streamed row's
    /// stored accumulators (and the stored row of the year's other insutype, when there is one).</summary>
    public ref PersonYearState Year(int year, in ClaimRow row, out int slot)
    {
        string insutype = row.Insutype;
        int found = Find(year, insutype);
        if (found >= 0)
        {
            slot = found;
            return ref _states[slot];
        }
        bool stored = row.AccYear == year && row.HasAcc;
        slot = Add(year, insutype, stored ? row.Acc : default, stored);
        int sibling = Sibling(slot);
        if (sibling >= 0)
        {
            AccSlot.CopyPersonLevel(in _states[sibling], ref _states[slot]);
        }
        else if (row.AccYear == year && row.HasAccOther && row.AccOtherInsutype is { } other)
        {
            // The other row as stored: its person-level slots are the year's (both rows were written together).
            int o = Add(year, other, row.AccOther, stored: true);
            AccSlot.CopyPersonLevel(in _states[o], ref _states[slot]);
        }
        return ref _states[slot];
    }

    /// <summary>After a claim moved the state in <paramref name="slot"/>: its person-level slots go to the other
    /// insutype's state of the same year (which is then written too).</summary>
    public void Share(int slot)
    {
        for (int i = 0; i < _count; i++)
        {
            if (i == slot || _years[i] != _years[slot]) continue;
            if (AccSlot.CopyPersonLevel(in _states[slot], ref _states[i])) _dirty[i] = true;
        }
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
            a.Insutype = _insutypes[i];
            a.Acc = _states[i];
            a.Stored = _stored[i];
        }
    }

    private int Find(int year, string insutype)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_years[i] == year && string.Equals(_insutypes[i], insutype, StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    private int Sibling(int slot)
    {
        for (int i = 0; i < _count; i++)
        {
            if (i != slot && _years[i] == _years[slot]) return i;
        }
        return -1;
    }

    private int Add(int year, string insutype, in PersonYearState state, bool stored)
    {
        if (_count == _years.Length)
        {
            Array.Resize(ref _years, _count * 2);
            Array.Resize(ref _insutypes, _count * 2);
            Array.Resize(ref _states, _count * 2);
            Array.Resize(ref _dirty, _count * 2);
            Array.Resize(ref _stored, _count * 2);
        }
        int slot = _count++;
        _years[slot] = year;
        _insutypes[slot] = insutype;
        _dirty[slot] = false;
        _stored[slot] = stored;
        _states[slot] = state;
        return slot;
    }
}
