namespace BatchSettle.Dashboard;

/// <summary>One Quartz trigger: what it fires, when next, when last.</summary>
public sealed record ScheduleInfo(
    string TriggerGroup,
    string TriggerName,
    string JobGroup,
    string JobName,
    string? Description,
    string State,
    string? Cron,
    DateTimeOffset? NextFireTime,
    DateTimeOffset? PreviousFireTime);
