namespace BatchSettle.Dashboard;

/// <summary>The <c>run.status</c> values (DESIGN.md "Database").</summary>
internal static class RunStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string SucceededWithQuarantine = "succeeded_with_quarantine";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Interrupted = "interrupted";

    public static readonly string[] All = [Queued, Running, Succeeded, SucceededWithQuarantine, Failed, Cancelled, Interrupted];
}
