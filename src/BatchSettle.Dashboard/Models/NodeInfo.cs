namespace BatchSettle.Dashboard;

/// <summary>
/// A cluster member: a worker's heartbeat row or a Quartz scheduler's check-in. <see cref="State"/> is <c>alive</c>,
/// <c>overdue</c> (late, not yet given up on), <c>stale</c> (presumed dead) or <c>stopped</c> (left gracefully).
/// </summary>
public sealed record NodeInfo(string NodeId, string Source, string State, DateTimeOffset? LastSeen, double? SecondsAgo, string? Detail);
