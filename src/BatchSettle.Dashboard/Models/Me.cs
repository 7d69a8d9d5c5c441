namespace BatchSettle.Dashboard;

/// <summary>Who the dashboard is talking to.</summary>
public sealed record Me(string Name, string Role, bool CanAct);
