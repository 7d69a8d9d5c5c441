namespace BatchSettle.Dashboard;

/// <summary>Claims done by a run at one instant (table <c>run_progress_sample</c>).</summary>
public sealed record ProgressSample(DateTime At, long ClaimsDone);
