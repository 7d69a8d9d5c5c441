namespace BatchSettle.Worker.Dashboard;

/// <summary>A cluster member: a worker's heartbeat row or a Quartz scheduler's check-in.</summary>
public sealed record NodeInfo(string NodeId, string Source, DateTimeOffset? LastSeen, double? SecondsAgo, string? Detail);
