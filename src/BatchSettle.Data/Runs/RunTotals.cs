namespace BatchSettle.Data.Runs;

/// <summary>A run's totals as the run row stores them (claims by status, the funds' totals, zero-claim resets):
/// a chunk's share, added to its partition's row (migration 097), and their sum when the run closes.</summary>
internal struct RunTotals
{
    public long Claims;
    public long Settled;
    public long Rejected;
    public long Quarantined;
    public long Assumed;
    public long Superseded;
    public long Pooled310100;
    public long Pooled390100;
    public long Critical390200;
    public long Large330100;
    public long Assistance610100;
    public long PsnPart;
    public long ZeroResets;
    public long ZeroUndos;
}
