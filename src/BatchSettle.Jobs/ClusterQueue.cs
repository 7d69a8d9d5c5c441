using System.Globalization;
using Quartz;

namespace BatchSettle.Jobs;

/// <summary>
/// Puts work into the shared job store, where any worker of the cluster picks it up. Every enqueue is idempotent:
/// a trigger whose key is already pending is kept (<see cref="TriggerConflict.Keep"/>, decided under the store's lock),
/// so two requests for one batch at the same moment leave one trigger; a request arriving while the batch is running
/// waits (the jobs disallow concurrent execution per key) and then finds nothing left to do.
/// </summary>
public static class ClusterQueue
{
    /// <summary>Queues the batch-run job of <paramref name="batchId"/> to fire now.</summary>
    public static async ValueTask<ScheduleTriggerResult> EnqueueBatchRunAsync(
        IScheduler scheduler, string batchId, string requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        var jobKey = JobKeys.BatchRun(batchId);
        if (!await scheduler.Exists(jobKey, cancellationToken))
        {
            // Durable: it outlives its triggers, so a later request only adds a trigger. Recovery: a worker killed while
            // it was creating the run hands it to another worker, and create-or-resume makes the second pass harmless.
            var job = JobBuilder.Create<BatchRunJob>()
                .WithIdentity(jobKey)
                .WithDescription($"Create or resume the run of batch {batchId} and queue its partitions")
                .StoreDurably()
                .RequestRecovery()
                .UsingJobData(JobKeys.BatchIdKey, batchId)
                .Build();
            await scheduler.AddJob(job, AddJobOptions.Replacing, cancellationToken);
        }

        var trigger = TriggerBuilder.Create(scheduler.TimeProvider)
            .WithIdentity(JobKeys.BatchRunTrigger(batchId))
            .ForJob(jobKey)
            .UsingJobData(JobKeys.RequestedByKey, requestedBy)
            .StartNow()
            .Build();
        return await scheduler.ScheduleTrigger(trigger, TriggerConflict.Keep, cancellationToken);
    }

    /// <summary>Queues one partition of a run to fire now, on whichever node acquires it first.</summary>
    public static async ValueTask EnqueuePartitionAsync(IScheduler scheduler, long runId, int partNo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        var jobKey = JobKeys.Partition(runId, partNo);
        if (!await scheduler.Exists(jobKey, cancellationToken))
        {
            // Durable, so a recovery trigger always has a job to fire; removed with its run's group when the run ends.
            // RequestRecovery: a killed node's partition is fired again on a live node, which resumes it from the
            // checkpoint; a partition stopped by a graceful shutdown is handed back the same way.
            var job = JobBuilder.Create<PartitionJob>()
                .WithIdentity(jobKey)
                .WithDescription(string.Create(CultureInfo.InvariantCulture, $"Settle partition {partNo} of run {runId}"))
                .StoreDurably()
                .RequestRecovery()
                .UsingJobData(JobKeys.RunIdKey, runId.ToString(CultureInfo.InvariantCulture))
                .UsingJobData(JobKeys.PartNoKey, partNo.ToString(CultureInfo.InvariantCulture))
                .Build();
            await scheduler.AddJob(job, AddJobOptions.Replacing, cancellationToken);
        }

        var trigger = TriggerBuilder.Create(scheduler.TimeProvider)
            .WithIdentity(JobKeys.PartitionTrigger(runId, partNo))
            .ForJob(jobKey)
            .StartNow()
            .Build();
        await scheduler.ScheduleTrigger(trigger, TriggerConflict.Keep, cancellationToken);
    }
}
