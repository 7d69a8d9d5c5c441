using System.Globalization;
using Quartz;

namespace BatchSettle.Jobs;

/// <summary>
/// Names of the jobs and triggers in the shared job store. The keys carry the identity that makes duplicates
/// harmless: one batch-run job per batch, one partition job per (run, partition), one month-end job per region.
/// </summary>
public static class JobKeys
{
    /// <summary>The Quartz scheduler name every worker (and the trigger command) shares: one cluster per database.</summary>
    public const string SchedulerName = "BatchSettle";

    public const string MonthEndGroup = "month-end";
    public const string BatchRunGroup = "batch-run";

    /// <summary>Job data: the batch id.</summary>
    public const string BatchIdKey = "batchId";

    /// <summary>Job data: the region (admdvs) of a month-end schedule.</summary>
    public const string AdmdvsKey = "admdvs";

    /// <summary>Job data: the run id (as text, so the data map reads back the same whatever the serializer).</summary>
    public const string RunIdKey = "runId";

    /// <summary>Job data: the partition number (as text).</summary>
    public const string PartNoKey = "partNo";

    /// <summary>Trigger data: who asked for a batch (<c>cli:user</c>, <c>month-end:210500</c>).</summary>
    public const string RequestedByKey = "requestedBy";

    public static JobKey MonthEnd(string admdvs) => new(admdvs, MonthEndGroup);

    public static TriggerKey MonthEndTrigger(string admdvs) => new(admdvs, MonthEndGroup);

    public static JobKey BatchRun(string batchId) => new(batchId, BatchRunGroup);

    public static TriggerKey BatchRunTrigger(string batchId) => new(batchId, BatchRunGroup);

    /// <summary>Partition jobs of one run share a group, so the run's jobs are removed together when it ends.</summary>
    public static string PartitionGroup(long runId) => string.Create(CultureInfo.InvariantCulture, $"run-{runId}");

    public static JobKey Partition(long runId, int partNo) =>
        new(string.Create(CultureInfo.InvariantCulture, $"part-{partNo:D4}"), PartitionGroup(runId));

    public static TriggerKey PartitionTrigger(long runId, int partNo) =>
        new(string.Create(CultureInfo.InvariantCulture, $"part-{partNo:D4}"), PartitionGroup(runId));
}
