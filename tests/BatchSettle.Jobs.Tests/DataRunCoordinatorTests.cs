using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Runs;
using Microsoft.Extensions.Options;
using Xunit;

namespace BatchSettle.Jobs.Tests;

[Collection(ClusterCollection.Name)]
public sealed class DataRunCoordinatorTests(ClusterFixture fixture)
{
    [Fact]
    public async Task CreateOrResume_FailedRun_PartitionsBackToPendingSoTheRunIsNotClosedUnderTheRetry()
    {
        var cs = await fixture.NewLoadedDatabaseAsync();
        await using var ds = BatchSettleDatabase.CreateDataSource(cs, "coordinator-test");
        var runner = new BatchRunner(ds, TimeProvider.System);
        var coordinator = new DataRunCoordinator(runner, ds, Options.Create(new WorkerOptions { NodeId = "t" }), TimeProvider.System);
        var first = await coordinator.CreateOrResumeRunAsync(ClusterFixture.Batch, 4, "test", CancellationToken.None);
        foreach (var part in first.UnfinishedPartitions)
        {
            await coordinator.FailPartitionAsync(first.RunId, part, "t", "boom", CancellationToken.None);
        }

        Assert.Equal(RunState.Failed, await coordinator.TryCompleteRunAsync(first.RunId, CancellationToken.None));

        var retry = await coordinator.CreateOrResumeRunAsync(ClusterFixture.Batch, 4, "test", CancellationToken.None);

        Assert.Equal(first.RunId, retry.RunId);
        Assert.Equal(RunState.Running, retry.State);
        Assert.Equal([0, 1, 2, 3], retry.UnfinishedPartitions);
        // Nothing has run yet in this attempt: the run must stay open, not be closed failed again.
        Assert.Null(await coordinator.TryCompleteRunAsync(retry.RunId, CancellationToken.None));
    }
}
