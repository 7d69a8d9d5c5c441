namespace BatchSettle.Dashboard;

/// <summary>The triggers, and whether this process has a scheduler that can fire one now.</summary>
public sealed record ScheduleList(IReadOnlyList<ScheduleInfo> Items, bool CanTrigger, string Source);
