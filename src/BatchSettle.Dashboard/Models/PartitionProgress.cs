namespace BatchSettle.Dashboard;

/// <summary>One partition of a run (table <c>run_partition</c>).</summary>
public sealed record PartitionProgress
{
    public int PartNo { get; init; }
    public string Status { get; init; } = "";
    public string? Owner { get; init; }
    public long ClaimsDone { get; init; }
    public long ClaimsTotal { get; init; }
    public int Chunks { get; init; }
    public DateTime? UpdatedAt { get; init; }
    public string? Error { get; init; }

    /// <summary>The Hangfire job last queued for it; its page is /hangfire/jobs/details/{JobId}.</summary>
    public string? JobId { get; init; }
}
