namespace BatchSettle.Worker.Dashboard;

/// <summary>A claim a run set aside, and why (table <c>quarantine</c>).</summary>
public sealed record QuarantineItem
{
    public string SetlId { get; init; } = "";
    public long? SourceLine { get; init; }
    public string? Field { get; init; }
    public string Reason { get; init; } = "";
}
