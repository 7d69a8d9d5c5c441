namespace BatchSettle.Dashboard;

/// <summary>A settlement explained: its result row and the step-by-step calculation with citations.</summary>
public sealed record Explanation(string SetlId, string Status, string? Reason, long? RunId, string? BatchId, string Text);
