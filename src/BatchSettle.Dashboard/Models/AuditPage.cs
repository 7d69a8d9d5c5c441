namespace BatchSettle.Dashboard;

/// <summary>A page of the audit trail, newest first; <see cref="NextAfter"/> is the keyset cursor.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, long? NextAfter);
