namespace BatchSettle.Dashboard;

/// <summary>Runs finished and claims settled on one day, for the history graph.</summary>
public sealed record DayStat(DateOnly Day, long Succeeded, long Failed, long ClaimsSettled);
