using Microsoft.Extensions.DependencyInjection;

namespace BatchSettle.Dashboard;

/// <summary>
/// The operator actions on runs. Each decides whether the action makes sense for the run's state, does it, and
/// records it in <c>audit_action</c> with who and when, whether it was accepted or refused.
/// </summary>
internal sealed class RunControl(DashboardStore store, IServiceProvider services)
{
    public const string TriggerBatchAction = "trigger_batch";
    public const string RetryRunAction = "retry_run";
    public const string CancelRunAction = "cancel_run";
    public const string ResumeRunAction = "resume_run";

    private IBatchLauncher? Launcher => services.GetService<IBatchLauncher>();

    public async Task<ActionOutcome> TriggerBatchAsync(string batchId, Actor actor, CancellationToken cancellationToken)
    {
        var outcome = !IsBatchId(batchId)
            ? new ActionOutcome(false, "not a batch id (letters, digits, '-' and '_', 9 to 64 characters)")
            : Launcher is { } launcher
                ? await launcher.LaunchAsync(batchId, actor.RequestedBy, cancellationToken)
                : NoLauncher;
        await store.AuditAsync(actor.Name, actor.Role, TriggerBatchAction, batchId, outcome, cancellationToken);
        return outcome;
    }

    public async Task<ActionOutcome?> RetryRunAsync(long runId, Actor actor, CancellationToken cancellationToken)
    {
        var run = await store.RunAsync(runId, cancellationToken);
        if (run is null)
        {
            return null;
        }

        var outcome = run.Status is not (RunStates.Failed or RunStates.Cancelled)
            ? new ActionOutcome(false, $"run {runId} is {run.Status}; only a failed or cancelled run is retried", runId)
            : Launcher is { } launcher
                ? await launcher.LaunchAsync(run.BatchId, actor.RequestedBy, cancellationToken)
                : NoLauncher;
        await store.AuditAsync(actor.Name, actor.Role, RetryRunAction, runId.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome, cancellationToken);
        return outcome;
    }

    /// <summary>Resumes an interrupted run (its owner stopped renewing its lease): the same run, from its checkpoints.</summary>
    public async Task<ActionOutcome?> ResumeRunAsync(long runId, Actor actor, CancellationToken cancellationToken)
    {
        var run = await store.RunAsync(runId, cancellationToken);
        if (run is null)
        {
            return null;
        }

        var outcome = run.Status is not RunStates.Interrupted
            ? new ActionOutcome(false, $"run {runId} is {run.Status}; only an interrupted run is resumed", runId)
            : Launcher is { } launcher
                ? await launcher.LaunchAsync(run.BatchId, actor.RequestedBy, cancellationToken)
                : NoLauncher;
        await store.AuditAsync(actor.Name, actor.Role, ResumeRunAction, runId.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome, cancellationToken);
        return outcome;
    }

    public async Task<ActionOutcome?> CancelRunAsync(long runId, Actor actor, CancellationToken cancellationToken)
    {
        var run = await store.RunAsync(runId, cancellationToken);
        if (run is null)
        {
            return null;
        }

        ActionOutcome outcome;
        if (run.Status is not (RunStates.Queued or RunStates.Running))
        {
            outcome = new ActionOutcome(false, $"run {runId} is {run.Status}; only a queued or running run is cancelled", runId);
        }
        else
        {
            var fresh = await store.RequestCancelAsync(runId, actor.Name, cancellationToken);
            if (Launcher is { } launcher)
            {
                await launcher.CancelLocalAsync(runId, cancellationToken);
            }

            outcome = new ActionOutcome(true, fresh
                ? $"run {runId} will stop at its next chunk boundary; what is committed stays, a retry resumes it"
                : $"run {runId} was already asked to stop", runId);
        }

        await store.AuditAsync(actor.Name, actor.Role, CancelRunAction, runId.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome, cancellationToken);
        return outcome;
    }

    private static ActionOutcome NoLauncher =>
        new(false, "this process does not run batches; use the dashboard of a `batchsettle worker` node");

    private static bool IsBatchId(string batchId)
    {
        if (batchId.Length is < 9 or > 64)
        {
            return false;
        }

        foreach (var c in batchId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                return false;
            }
        }

        return true;
    }
}
