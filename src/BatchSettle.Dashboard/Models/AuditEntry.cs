namespace BatchSettle.Dashboard;

/// <summary>One recorded operator action (table <c>audit_action</c>).</summary>
public sealed record AuditEntry
{
    public long AuditId { get; init; }
    public DateTime At { get; init; }
    public string Actor { get; init; } = "";
    public string Role { get; init; } = "";
    public string Action { get; init; } = "";
    public string Target { get; init; } = "";
    public string Outcome { get; init; } = "";
    public string? Detail { get; init; }
}
