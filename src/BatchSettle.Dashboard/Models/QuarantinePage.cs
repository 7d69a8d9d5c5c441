namespace BatchSettle.Dashboard;

/// <summary>A page of a run's quarantined claims in the order they were set aside; <see cref="NextAfter"/> is the keyset cursor.</summary>
/// <para><see cref="Total"/> counts the rows under the reason filter; <see cref="Reasons"/> counts every reason of the run.</para>
public sealed record QuarantinePage(IReadOnlyList<QuarantineItem> Items, long Total, long? NextAfter)
{
    public IReadOnlyList<ReasonCount> Reasons { get; init; } = [];
}
