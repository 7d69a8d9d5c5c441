namespace BatchSettle.Dashboard;

/// <summary>The answer of <c>GET /dashboard/api/database</c>: reachable, or the error (with HTTP 503).</summary>
public sealed record DatabaseStatus(bool Reachable, string? Error, DateTimeOffset At);
