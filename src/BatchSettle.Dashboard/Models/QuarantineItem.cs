namespace BatchSettle.Dashboard;

/// <summary>A claim a run set aside, and why (table <c>quarantine</c>).</summary>
public sealed record QuarantineItem
{
    public long QuarantineId { get; init; }
    /// <summary>Null for a staging row whose setl_id could not be read.</summary>
    public string? SetlId { get; init; }
    /// <summary>The input file's name only, never the server path it was loaded from.</summary>
    public string? SourceFile { get; init; }
    public long? SourceLine { get; init; }
    public string? Field { get; init; }
    public string Reason { get; init; } = "";
    /// <summary>The claim's person (from its staging row), for the link to the person's year; null when unknown.</summary>
    public string? PsnNo { get; init; }
}
