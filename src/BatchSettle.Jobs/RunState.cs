namespace BatchSettle.Jobs;

/// <summary>run.status (DESIGN.md).</summary>
public enum RunState
{
    Queued,
    Running,
    Succeeded,
    SucceededWithQuarantine,
    Failed,
    Cancelled,

    /// <summary>Its owner stopped renewing its lease (killed, cut off); resumable (migration 073).</summary>
    Interrupted,
}
