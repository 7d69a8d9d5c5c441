namespace BatchSettle.Jobs;

/// <summary>run.status text ↔ <see cref="RunState"/>.</summary>
public static class RunStates
{
    public static string ToDb(this RunState state) => state switch
    {
        RunState.Queued => "queued",
        RunState.Running => "running",
        RunState.Succeeded => "succeeded",
        RunState.SucceededWithQuarantine => "succeeded_with_quarantine",
        RunState.Failed => "failed",
        RunState.Cancelled => "cancelled",
        RunState.Interrupted => "interrupted",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static RunState FromDb(string status) => status switch
    {
        "queued" => RunState.Queued,
        "running" => RunState.Running,
        "succeeded" => RunState.Succeeded,
        "succeeded_with_quarantine" => RunState.SucceededWithQuarantine,
        "failed" => RunState.Failed,
        "cancelled" => RunState.Cancelled,
        "interrupted" => RunState.Interrupted,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown run status"),
    };

    /// <summary>A succeeded batch is never settled again.</summary>
    public static bool IsSucceeded(this RunState state) => state is RunState.Succeeded or RunState.SucceededWithQuarantine;
}
