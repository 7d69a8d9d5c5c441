namespace BatchSettle.Dashboard;

/// <summary>How many of a run's quarantined claims were set aside for one reason.</summary>
public sealed record ReasonCount(string Reason, long Count);
