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
}
