namespace BatchSettle.Dashboard;

/// <summary>A page of runs, newest first; <see cref="NextAfter"/> is the keyset cursor for the next page (null at the end).</summary>
/// <para><see cref="Counts"/> are per state under the other filters (batch, region, month); <see cref="Batches"/> lists
/// every batch that has a run, for the filter's suggestions.</para>
public sealed record RunPage(IReadOnlyList<RunSummary> Items, IReadOnlyList<StatusCount> Counts, long? NextAfter)
{
    public IReadOnlyList<string> Batches { get; init; } = [];
}
