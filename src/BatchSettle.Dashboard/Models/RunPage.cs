namespace BatchSettle.Dashboard;

/// <summary>A page of runs, newest first; <see cref="NextAfter"/> is the keyset cursor for the next page (null at the end).</summary>
public sealed record RunPage(IReadOnlyList<RunSummary> Items, IReadOnlyList<StatusCount> Counts, long? NextAfter);
