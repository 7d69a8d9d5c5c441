namespace BatchSettle.Dashboard;

/// <summary>A settlement explained: its result row and the step-by-step calculation with citations.</summary>
/// <para><see cref="PsnNo"/> and <see cref="Year"/> link to the person's year.</para>
public sealed record Explanation(string SetlId, string Status, string? Reason, long? RunId, string? BatchId, string Text, string? PsnNo = null, int? Year = null);
