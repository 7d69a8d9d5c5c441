using Microsoft.Extensions.Logging;

namespace BatchSettle.Jobs;

/// <summary>The scheduler's log lines, one place, event ids 5000-5099.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(5000, LogLevel.Information, "Node {NodeId} starting: {Partitions} partitions per new run, {Parallelism} at once, invisibility timeout {Invisibility}")]
    public static partial void NodeStarting(this ILogger logger, string nodeId, int partitions, int parallelism, TimeSpan invisibility);

    [LoggerMessage(5001, LogLevel.Information, "Month-end {Admdvs} fired (scheduled {Scheduled:o}): queuing batch {BatchId}")]
    public static partial void MonthEndFired(this ILogger logger, string admdvs, DateTimeOffset scheduled, string batchId);

    [LoggerMessage(5002, LogLevel.Information, "Batch {BatchId} requested by {RequestedBy}: {Outcome}")]
    public static partial void BatchQueued(this ILogger logger, string batchId, string requestedBy, string outcome);

    [LoggerMessage(5003, LogLevel.Information, "Batch {BatchId} already settled by run {RunId} ({State}); nothing to do")]
    public static partial void BatchAlreadySettled(this ILogger logger, string batchId, long runId, RunState state);

    [LoggerMessage(5004, LogLevel.Information, "Run {RunId} of batch {BatchId} (attempt {Attempt}): {Count} unfinished partitions, {Queued} partition jobs queued")]
    public static partial void RunScheduling(this ILogger logger, long runId, string batchId, int attempt, int count, int queued);

    [LoggerMessage(5005, LogLevel.Information, "Partition {RunId}/{PartNo} starting on {NodeId}{Recovery}")]
    public static partial void PartitionStarting(this ILogger logger, long runId, int partNo, string nodeId, string recovery);

    [LoggerMessage(5006, LogLevel.Information, "Partition {RunId}/{PartNo} done on {NodeId} in {Elapsed}")]
    public static partial void PartitionDone(this ILogger logger, long runId, int partNo, string nodeId, TimeSpan elapsed);

    [LoggerMessage(5007, LogLevel.Information, "Partition {RunId}/{PartNo} stopped at a chunk boundary; handed back to the queue")]
    public static partial void PartitionHandedBack(this ILogger logger, long runId, int partNo);

    [LoggerMessage(5008, LogLevel.Error, "Partition {RunId}/{PartNo} failed on {NodeId}: {Reason}")]
    public static partial void PartitionFailed(this ILogger logger, Exception exception, long runId, int partNo, string nodeId, string reason);

    [LoggerMessage(5009, LogLevel.Warning, "Transient database failure (attempt {Attempt}), retrying in {Delay}: {Message}")]
    public static partial void TransientRetry(this ILogger logger, int attempt, TimeSpan delay, string message);

    [LoggerMessage(5010, LogLevel.Information, "Run {RunId} finished: {State}")]
    public static partial void RunFinished(this ILogger logger, long runId, RunState state);

    [LoggerMessage(5011, LogLevel.Warning, "Run {RunId} not closed now ({Message}); the reconciler will close it")]
    public static partial void CloseDeferred(this ILogger logger, long runId, string message);

    [LoggerMessage(5012, LogLevel.Warning, "Failure of partition {RunId}/{PartNo} not recorded ({Message}); the reconciler will look again")]
    public static partial void FailureNotRecorded(this ILogger logger, long runId, int partNo, string message);

    [LoggerMessage(5013, LogLevel.Error, "Batch {BatchId} could not be started: {Reason}")]
    public static partial void BatchStartFailed(this ILogger logger, Exception exception, string batchId, string reason);

    [LoggerMessage(5014, LogLevel.Information, "Reconcile: closed run {RunId}, whose partitions had all ended")]
    public static partial void ReconcileClosed(this ILogger logger, long runId);

    [LoggerMessage(5015, LogLevel.Warning, "Reconcile: run {RunId} had {Count} unfinished partitions without a live job; queued again")]
    public static partial void ReconcileRequeued(this ILogger logger, long runId, int count);

    [LoggerMessage(5016, LogLevel.Information, "Month-end schedules: {Enabled} registered, {Disabled} removed; reconcile every '{ReconcileCron}'")]
    public static partial void SchedulesRegistered(this ILogger logger, string enabled, string disabled, string reconcileCron);

    [LoggerMessage(5017, LogLevel.Warning, "Month-end schedules not registered yet ({Reason}); the schedules stored before stay in force, retrying in the background")]
    public static partial void SchedulesDeferred(this ILogger logger, string reason);

    [LoggerMessage(5090, LogLevel.Warning, "Run {RunId} of batch {BatchId} interrupted: {Reason}")]
    public static partial void RunInterrupted(this ILogger logger, long runId, string batchId, string reason);

    [LoggerMessage(5091, LogLevel.Information, "{Message}")]
    public static partial void LeaseMessage(this ILogger logger, string message);
}
