using Microsoft.Extensions.Logging;

namespace BatchSettle.Jobs;

/// <summary>
/// Closes a run once all its partitions have ended: succeeded, succeeded with quarantined claims, or failed. Called by
/// every partition job as it finishes (whichever finishes last closes the run; the close is one idempotent UPDATE), by
/// the batch-run job when it finds a run whose partitions all ended, and by the reconciler. Finished jobs are not
/// deleted: Hangfire expires succeeded jobs itself, and the run's history is in our tables.
/// </summary>
public sealed class RunFinaliser(IRunCoordinator coordinator, ILogger<RunFinaliser> logger)
{
    public async ValueTask<RunState?> TryCompleteAsync(long runId, CancellationToken cancellationToken)
    {
        RunState? state;
        try
        {
            state = await coordinator.TryCompleteRunAsync(runId, cancellationToken);
        }
        catch (Exception ex) when (TransientFaults.IsTransient(ex))
        {
            // The partition's own work is committed; closing the run is left to the reconciler's next pass.
            logger.CloseDeferred(runId, ex.Message);
            return null;
        }

        if (state is { } ended)
        {
            logger.RunFinished(runId, ended);
        }

        return state;
    }
}
