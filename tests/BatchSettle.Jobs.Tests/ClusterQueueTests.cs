using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Xunit;

namespace BatchSettle.Jobs.Tests;

public sealed class ClusterQueueTests : IAsyncLifetime
{
    private ServiceProvider? provider;
    private IScheduler? scheduler;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddQuartz(q => q.UseInMemoryStore());
        provider = services.BuildServiceProvider();
        // Never started: the queue only stores jobs and triggers, as the trigger command does.
        scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
    }

    public async Task DisposeAsync()
    {
        if (scheduler is not null)
        {
            await scheduler.Shutdown(false);
        }

        if (provider is not null)
        {
            await provider.DisposeAsync();
        }
    }

    [Fact]
    public async Task EnqueueBatchRun_Twice_OneTriggerKept()
    {
        var first = await ClusterQueue.EnqueueBatchRunAsync(scheduler!, "210500-2025-03", "cli:a", CancellationToken.None);
        var second = await ClusterQueue.EnqueueBatchRunAsync(scheduler!, "210500-2025-03", "cli:b", CancellationToken.None);

        Assert.Equal(ScheduleOutcome.Created, first.Outcome);
        Assert.Equal(ScheduleOutcome.Kept, second.Outcome);
        var job = await scheduler!.GetJobDetail(JobKeys.BatchRun("210500-2025-03"));
        Assert.NotNull(job);
        Assert.True(job.Durable);
        Assert.True(job.RequestsRecovery);
        Assert.True(job.ConcurrentExecutionDisallowed);
        var trigger = await scheduler.GetTrigger(JobKeys.BatchRunTrigger("210500-2025-03"));
        Assert.Equal("cli:a", trigger!.JobDataMap.GetString(JobKeys.RequestedByKey));
    }

    [Fact]
    public async Task EnqueuePartition_RecoverableDurableNonConcurrentJobPerPartition()
    {
        await ClusterQueue.EnqueuePartitionAsync(scheduler!, 42, 3, CancellationToken.None);
        await ClusterQueue.EnqueuePartitionAsync(scheduler!, 42, 3, CancellationToken.None);

        var job = await scheduler!.GetJobDetail(JobKeys.Partition(42, 3));
        Assert.NotNull(job);
        Assert.True(job.RequestsRecovery);
        Assert.True(job.ConcurrentExecutionDisallowed);
        Assert.Equal("42", job.JobDataMap.GetString(JobKeys.RunIdKey));
        Assert.Equal("3", job.JobDataMap.GetString(JobKeys.PartNoKey));
        Assert.True(await scheduler.Exists(JobKeys.PartitionTrigger(42, 3)));
    }
}
