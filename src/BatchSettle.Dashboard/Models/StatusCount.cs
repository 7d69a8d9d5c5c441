namespace BatchSettle.Dashboard;

/// <summary>How many runs are in one state.</summary>
public sealed record StatusCount(string Status, long Count);
