namespace BatchSettle.Dashboard;

/// <summary>One row of the runs list and the head of a run's page (table <c>run</c> plus partition progress).</summary>
public sealed record RunSummary
{
    public long RunId { get; init; }
    public string BatchId { get; init; } = "";
    public string Status { get; init; } = "";
    public int Attempt { get; init; }
    public int Partitions { get; init; }
    public string? RequestedBy { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? FinishedAt { get; init; }
    public string? Error { get; init; }
    public long ClaimsTotal { get; init; }
    public long ClaimsDone { get; init; }
    public long Settled { get; init; }
    public long Rejected { get; init; }
    public long Quarantined { get; init; }

    /// <summary>Settlements that used an <i>assumed</i> parameter (POLICY.md §12), counted when the run ends.</summary>
    public long AssumedParams { get; init; }

    /// <summary>Settlements that used a <i>stated (superseded text)</i> parameter, counted when the run ends.</summary>
    public long SupersededParams { get; init; }

    /// <summary>Who holds (or last held) the run's lease, and until when (migration 073).</summary>
    public string? LeaseOwner { get; init; }
    public DateTime? LeaseExpiresAt { get; init; }

    /// <summary>The run's last interruption: when and why (kept after a resume).</summary>
    public DateTime? InterruptedAt { get; init; }
    public string? InterruptReason { get; init; }

    /// <summary>The registry the run settles against (migration 074).</summary>
    public string? RegistryAsOf { get; init; }
    public long? RegistrySnapshotId { get; init; }
}
