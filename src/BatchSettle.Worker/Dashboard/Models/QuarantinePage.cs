namespace BatchSettle.Worker.Dashboard;

/// <summary>A page of a run's quarantined claims by setl_id; <see cref="NextAfter"/> is the keyset cursor.</summary>
public sealed record QuarantinePage(IReadOnlyList<QuarantineItem> Items, long Total, string? NextAfter);
