using Microsoft.Extensions.Logging;

namespace BatchSettle.Jobs;

/// <summary>The scheduler's log lines, one place, event ids 5000-5099.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(5000, LogLevel.Information, "Node {NodeId} starting: {Partitions} partitions per new run, {Parallelism} at once, check-in every {Checkin}")]
    public static partial void NodeStarting(this ILogger logger, string nodeId, int partitions, int parallelism, TimeSpan checkin);

    [LoggerMessage(5001, LogLevel.Information, "Month-end {Admdvs} fired (scheduled {Scheduled:o}): queuing batch {BatchId}")]
    public static partial void MonthEndFired(this ILogger logger, string admdvs, DateTimeOffset scheduled, string batchId);

    [LoggerMessage(5002, LogLevel.Information, "Batch {BatchId} queued by {RequestedBy} ({Outcome})")]
    public static partial void BatchQueued(this ILogger logger, string batchId, string requestedBy, string outcome);

    [LoggerMessage(5003, LogLevel.Information, "Batch {BatchId} already settled by run {RunId} ({State}); nothing to do")]
    public static partial void BatchAlreadySettled(this ILogger logger, string batchId, long runId, RunState state);

    [LoggerMessage(5004, LogLevel.Information, "Run {RunId} of batch {BatchId} (attempt {Attempt}): scheduling {Count} unfinished partitions")]
    public static partial void RunScheduling(this ILogger logger, long runId, string batchId, int attempt, int count);

    [LoggerMessage(5005, LogLevel.Information, "Partition {RunId}/{PartNo} starting on {NodeId}{Recovery}")]
    public static partial void PartitionStarting(this ILogger logger, long runId, int partNo, string nodeId, string recovery);

    [LoggerMessage(5006, LogLevel.Information, "Partition {RunId}/{PartNo} done on {NodeId} in {Elapsed}")]
    public static partial void PartitionDone(this ILogger logger, long runId, int partNo, string nodeId, TimeSpan elapsed);

    [LoggerMessage(5007, LogLevel.Information, "Partition {RunId}/{PartNo} stopped at a chunk boundary for shutdown; handed back for recovery")]
    public static partial void PartitionHandedBack(this ILogger logger, long runId, int partNo);

    [LoggerMessage(5008, LogLevel.Error, "Partition {RunId}/{PartNo} failed on {NodeId}: {Reason}")]
    public static partial void PartitionFailed(this ILogger logger, Exception exception, long runId, int partNo, string nodeId, string reason);

    [LoggerMessage(5009, LogLevel.Warning, "Transient database failure (attempt {Attempt}), retrying in {Delay}: {Message}")]
    public static partial void TransientRetry(this ILogger logger, int attempt, TimeSpan delay, string message);

    [LoggerMessage(5010, LogLevel.Information, "Run {RunId} finished: {State}")]
    public static partial void RunFinished(this ILogger logger, long runId, RunState state);

    [LoggerMessage(5011, LogLevel.Warning, "Could not remove the partition jobs of finished run {RunId}; they are inert and can be deleted later")]
    public static partial void PartitionJobCleanupFailed(this ILogger logger, Exception exception, long runId);

    [LoggerMessage(5012, LogLevel.Warning, "Heartbeat of node {NodeId} not written: {Message}")]
    public static partial void HeartbeatFailed(this ILogger logger, string nodeId, string message);

    [LoggerMessage(5013, LogLevel.Error, "Batch {BatchId} could not be started: {Reason}")]
    public static partial void BatchStartFailed(this ILogger logger, Exception exception, string batchId, string reason);

    [LoggerMessage(5014, LogLevel.Information, "Month-end schedule for region {Admdvs} is switched off on this node; not queuing {BatchId}")]
    public static partial void MonthEndDisabled(this ILogger logger, string admdvs, string batchId);
}
