namespace BatchSettle.Dashboard;

/// <summary>A page of a run's quarantined claims in the order they were set aside; <see cref="NextAfter"/> is the keyset cursor.</summary>
public sealed record QuarantinePage(IReadOnlyList<QuarantineItem> Items, long Total, long? NextAfter);
