namespace BatchSettle.Data.Runs;

/// <summary>A registry row (staging_person) as streamed by the partition reader.</summary>
internal struct PersonRow
{
    public int Year;
    public string Admdvs;
    public string Insutype;
    public DateOnly Birth;
    public string EnrolKind;
    public DateOnly PaidDate;
    public DateOnly? PrevCoverEnd;
    public int? BrokenYears;
    public int? RepairedYears;
    public int? ContinuousYears;
    public int? ZeroClaimYears;
    public DateOnly? LargeAmountPaidDate;
    public string? Hardship;
    public bool? AssistanceSubsidised;
    public bool University;
    public bool MaternityInsured;
    public DateOnly? ArrearsFrom;
    public DateOnly? ArrearsPaid;
}

/// <summary>
/// Merges a partition's three sorted streams — claims, registry rows, stored accumulators, each a plain binary COPY
/// OUT in psn_no byte order — into <see cref="ClaimRow"/>s, plus the (few) reversal originals read up front. This is
/// the join the database would otherwise do with several index probes per claim; merged here it costs a string
/// comparison per person (docs/PERFORMANCE.md).
/// </summary>
internal sealed class PartitionReader(
    BinaryCopyReader claims,
    BinaryCopyReader persons,
    BinaryCopyReader accumulators,
    Dictionary<string, (OriginalResult? Original, bool AlreadyReversed)> reversals,
    string? batchId)
{
    private readonly Cursor<PersonRow> _persons = new(persons, static (e, ref p) => PartitionStream.ReadPerson(e, ref p));
    private readonly Cursor<AccumulatorRow> _accs = new(accumulators, static (e, ref a) => PartitionStream.ReadAccumulator(e, ref a));
    private string? _psn;
    private byte[] _psnBytes = new byte[64];
    private int _psnLength;

    public bool Read(ref ClaimRow r)
    {
        if (!PartitionStream.Read(claims, batchId, ref r)) return false;
        if (!string.Equals(r.PsnNo, _psn, StringComparison.Ordinal))
        {
            if (_psn is not null && string.CompareOrdinal(r.PsnNo, _psn) < 0)
            {
                throw new InvalidOperationException($"claims stream out of psn_no byte order ({_psn} then {r.PsnNo})");
            }
            _psn = r.PsnNo;
            // The cursors compare UTF-8 bytes, the streams' order (psn_no COLLATE "C").
            int max = System.Text.Encoding.UTF8.GetMaxByteCount(_psn.Length);
            if (max > _psnBytes.Length) _psnBytes = new byte[max];
            _psnLength = System.Text.Encoding.UTF8.GetBytes(_psn, _psnBytes);
            var key = _psnBytes.AsSpan(0, _psnLength);
            _persons.Load(key);
            _accs.Load(key);
        }

        int year = r.EndDate.Year;
        var ps = _persons.Current;
        r.PersonKnown = ps.Length > 0;
        r.PAdmdvs = null;
        r.PInsutype = null;
        r.PBirth = default;
        r.PYear = 0;
        r.PEnrolKind = null;
        r.PPaidDate = default;
        r.PPrevCoverEnd = null;
        r.PBrokenYears = null;
        r.PRepairedYears = null;
        r.PContinuousYears = null;
        r.PZeroClaimYears = null;
        r.PLargeAmountPaidDate = null;
        r.PHardship = null;
        r.PAssistanceSubsidised = null;
        r.PUniversity = false;
        r.PMaternityInsured = true;
        r.PArrearsFrom = null;
        r.PArrearsPaid = null;
        r.PEmployeeRow = null;
        // (v2) The row of the claim's year and insutype (key psn_no, year, insutype); failing that, the row of the
        // claim's year (the engine rejects the insutype mismatch, EL-01); failing that, a student's row of the next year, which the engine may accept
        // for the months before it (EL-05: the 2024 centralised period covered students from 2023-09-01).
        int pick = -1;
        for (int i = 0; i < ps.Length && pick < 0; i++)
        {
            if (ps[i].Year == year && string.Equals(ps[i].Insutype, r.Insutype, StringComparison.Ordinal)) pick = i;
        }
        for (int i = 0; i < ps.Length && pick < 0; i++)
        {
            if (ps[i].Year == year) pick = i;
        }
        // (v2) EL-01 two rows in one year: a resident claim needs the employee row of the year (resident benefits end
        // at its benefit start).
        for (int i = 0; i < ps.Length; i++)
        {
            if (ps[i].Year == year && ps[i].Insutype == "310" && i != pick)
            {
                r.PEmployeeRow = (ps[i].EnrolKind == "centralised", ps[i].PaidDate);
            }
        }
        for (int i = 0; i < ps.Length && pick < 0; i++)
        {
            if (ps[i].Year == year + 1 && ps[i].EnrolKind == "student") pick = i;
        }
        if (pick >= 0)
        {
            ref readonly var p = ref ps[pick];
            r.PAdmdvs = p.Admdvs;
            r.PInsutype = p.Insutype;
            r.PBirth = p.Birth;
            r.PYear = p.Year;
            r.PEnrolKind = p.EnrolKind;
            r.PPaidDate = p.PaidDate;
            r.PPrevCoverEnd = p.PrevCoverEnd;
            r.PBrokenYears = p.BrokenYears;
            r.PRepairedYears = p.RepairedYears;
            r.PContinuousYears = p.ContinuousYears;
            r.PZeroClaimYears = p.ZeroClaimYears;
            r.PLargeAmountPaidDate = p.LargeAmountPaidDate;
            r.PHardship = p.Hardship;
            r.PAssistanceSubsidised = p.AssistanceSubsidised;
            r.PUniversity = p.University;
            r.PMaternityInsured = p.MaternityInsured;
            r.PArrearsFrom = p.ArrearsFrom;
            r.PArrearsPaid = p.ArrearsPaid;
        }

        r.Original = null;
        r.OriginalAlreadyReversed = false;
        if (r.ReversalOf is not null && reversals.TryGetValue(r.SetlId, out var rv))
        {
            r.Original = rv.Original;
            r.OriginalAlreadyReversed = rv.AlreadyReversed;
        }

        // A reversal rolls back the original's year; any other claim uses its settlement year. (v2) The row of the claim's
        // insutype; the person's other insutype of that year, if stored, comes along for the shared person-level slots.
        r.AccYear = r.Original is { Year: > 0 } o ? o.Year : year;
        r.HasAcc = false;
        r.Acc = default;
        r.HasAccOther = false;
        r.AccOtherInsutype = null;
        foreach (ref readonly var a in _accs.Current)
        {
            if (a.Year != r.AccYear) continue;
            if (string.Equals(a.Insutype, r.Insutype, StringComparison.Ordinal))
            {
                r.HasAcc = true;
                r.Acc = a.Acc;
            }
            else if (!r.HasAccOther)
            {
                r.HasAccOther = true;
                r.AccOtherInsutype = a.Insutype;
                r.AccOther = a.Acc;
            }
        }
        return true;
    }

    private delegate void RowReader<T>(BinaryCopyReader e, ref T row);

    /// <summary>A forward cursor over a stream whose first column is psn_no: <see cref="Load"/> collects one person's
    /// rows, skipping (without decoding anything but the key's bytes) the rows of persons with no claim.</summary>
    private sealed class Cursor<T>(BinaryCopyReader e, RowReader<T> read)
        where T : struct
    {
        private T[] _rows = new T[4];
        private int _count;
        private bool _end;
        private bool _pending; // a row read from the stream and not yet consumed: its key in _nextKey
        private byte[] _nextKey = new byte[64];
        private int _nextKeyLength;
        private bool _nextLoaded;
        private T _next;

        public ReadOnlySpan<T> Current => _rows.AsSpan(0, _count);

        public void Load(ReadOnlySpan<byte> psn)
        {
            _count = 0;
            while (true)
            {
                if (!_pending)
                {
                    if (_end) return;
                    if (!e.NextRow())
                    {
                        _end = true;
                        return;
                    }
                    var key = e.TextBytes();
                    if (key.Length > _nextKey.Length) _nextKey = new byte[key.Length];
                    key.CopyTo(_nextKey);
                    _nextKeyLength = key.Length;
                    _pending = true;
                    _nextLoaded = false;
                }
                int cmp = _nextKey.AsSpan(0, _nextKeyLength).SequenceCompareTo(psn);
                if (cmp < 0)
                {
                    _pending = false;
                    continue;
                }
                if (!_nextLoaded)
                {
                    read(e, ref _next);
                    _nextLoaded = true;
                }
                if (cmp > 0) return;
                if (_count == _rows.Length) Array.Resize(ref _rows, _count * 2);
                _rows[_count++] = _next;
                _pending = false;
            }
        }
    }
}
