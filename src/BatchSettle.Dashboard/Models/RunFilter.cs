namespace BatchSettle.Dashboard;

/// <summary>
/// The runs list's filters (all optional, combined with AND): <see cref="Status"/> one of <see cref="RunStates.All"/>;
/// <see cref="Batch"/> any part of the batch id; <see cref="Admdvs"/> the region (the batch id's first part, e.g.
/// 210500); <see cref="Month"/> <c>YYYY-MM</c>, the batch's clearing month (its last two parts).
/// </summary>
public sealed record RunFilter(string? Status = null, string? Batch = null, string? Admdvs = null, string? Month = null);
