using BatchSettle.Jobs;
using Xunit;
using Xunit.Abstractions;

namespace BatchSettle.Jobs.Tests;

/// <summary>
/// Issue 5's faults, each with real <c>batchsettle worker</c> processes on a real PostgreSQL: the final results,
/// ledger and accumulators must equal, row for row, those of an uninterrupted run of the same batch.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WorkerFaultTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const string Batch = ClusterFixture.Batch;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Worker_KilledAtRandomPointsAndRestarted_SameResultsAndLedgerAsUninterruptedRun()
    {
        var cs = await fixture.NewLoadedDatabaseAsync();
        await using var probe = new RunProbe(cs);
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"kill points drawn with seed {seed}");
        var workers = new List<WorkerProcess>();
        try
        {
            workers.Add(WorkerProcess.Start(cs, fixture.LogDir, "w0"));
            await TriggerAsync(cs);
            var killsMidRun = 0;
            for (var k = 1; k <= 3; k++)
            {
                // Somewhere between "just picked up a partition" and "deep into a chunk": progress first, then a random wait.
                Assert.True(await probe.WaitForProgressAsync(Batch, 1, RunTimeout), Failure("no progress", workers));
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(100, 1500)));
                var ended = (await probe.RunsAsync(Batch)) is [.., { Status: not "running" }];
                workers[^1].Kill();
                output.WriteLine($"kill {k}: {(await probe.PartitionsAsync(Batch)).Sum(p => p.ClaimsDone)} claims committed");
                if (!ended)
                {
                    killsMidRun++;
                }

                workers.Add(WorkerProcess.Start(cs, fixture.LogDir, $"w{k}"));
            }

            Assert.True(await probe.WaitForRunEndAsync(Batch, RunTimeout), Failure("run did not end", workers));
            Assert.True(killsMidRun >= 1, "no kill landed while the run was in progress");
            var run = Assert.Single(await probe.RunsAsync(Batch));
            Assert.Equal("succeeded_with_quarantine", run.Status);
            Assert.Equal("", (await Snapshot.TakeAsync(cs)).DiffFrom(fixture.Reference));
        }
        finally
        {
            Dispose(workers);
        }
    }

    [Fact]
    public async Task TwoWorkers_PartitionsShared_OneKilledMidRun_OtherFinishesWithSameResults()
    {
        var cs = await fixture.NewLoadedDatabaseAsync();
        await using var probe = new RunProbe(cs);
        using var a = WorkerProcess.Start(cs, fixture.LogDir, "a");
        using var b = WorkerProcess.Start(cs, fixture.LogDir, "b");
        await TriggerAsync(cs);

        // Both nodes settle partitions of the one run at the same time.
        var shared = await RunProbe.WaitUntilAsync(
            async () => (await probe.PartitionsAsync(Batch)).Where(p => p.Status == "running").Select(p => p.Owner).Distinct().Count() == 2,
            RunTimeout, TimeSpan.FromMilliseconds(100));
        Assert.True(shared, Failure("the two workers never ran partitions of the run side by side", [a, b]));

        var killedOwner = (await probe.PartitionsAsync(Batch)).First(p => p.Status == "running").Owner!;
        var (victim, survivor) = killedOwner.EndsWith("-" + a.Pid, StringComparison.Ordinal) ? (a, b) : (b, a);
        var victimsUnfinished = (await probe.PartitionsAsync(Batch)).Where(p => p.Owner == killedOwner && p.Status != "succeeded")
            .Select(p => p.PartNo).ToList();
        victim.Kill();
        var killedAt = System.Diagnostics.Stopwatch.StartNew();
        output.WriteLine($"killed {victim.Name} ({killedOwner}) holding partitions {string.Join(',', victimsUnfinished)}");

        // Its partition jobs are fetched again once the invisibility timeout has passed without the dead worker
        // refreshing them (0.8-1.0 x the timeout after the kill, plus a poll).
        Assert.True(await RunProbe.WaitUntilAsync(
            async () => (await probe.PartitionsAsync(Batch)).Any(p => victimsUnfinished.Contains(p.PartNo) && p.Owner != killedOwner),
            RunTimeout, TimeSpan.FromMilliseconds(100)), Failure("the dead worker's partitions were never taken over", [survivor, victim]));
        output.WriteLine($"taken over {killedAt.Elapsed.TotalSeconds:F1} s after the kill (invisibility timeout {WorkerProcess.InvisibilityTimeout.TotalSeconds} s)");
        Assert.True(killedAt.Elapsed < WorkerProcess.InvisibilityTimeout + TimeSpan.FromSeconds(5),
            $"taken over after {killedAt.Elapsed}, expected within the invisibility timeout {WorkerProcess.InvisibilityTimeout} and a poll");

        Assert.True(await probe.WaitForRunEndAsync(Batch, RunTimeout), Failure("run did not end after the kill", [survivor, victim]));
        var partitions = await probe.PartitionsAsync(Batch);
        Assert.All(partitions, p => Assert.Equal("succeeded", p.Status));
        // Hangfire's invisibility timeout: the survivor fetched the dead worker's partition jobs again and took over.
        Assert.All(victimsUnfinished, part => Assert.NotEqual(killedOwner, partitions.Single(p => p.PartNo == part).Owner));
        Assert.Contains($"taken over from {killedOwner}", survivor.Log(), StringComparison.Ordinal);
        Assert.Equal("", (await Snapshot.TakeAsync(cs)).DiffFrom(fixture.Reference));
    }

    [Fact]
    public async Task PostgresRestartedMidRun_TransientErrorsRetried_RunCompletesWithSameResults()
    {
        var cs = await fixture.NewLoadedDatabaseAsync();
        await using var probe = new RunProbe(cs);
        using var w = WorkerProcess.Start(cs, fixture.LogDir, "pg-restart");
        await TriggerAsync(cs);
        Assert.True(await probe.WaitForProgressAsync(Batch, 300, RunTimeout), Failure("no progress", [w]));

        await fixture.RestartPostgresAsync(down: TimeSpan.FromSeconds(2));

        Assert.True(await probe.WaitForRunEndAsync(Batch, RunTimeout), Failure("run did not end after the restart", [w]));
        Assert.False(w.HasExited, Failure("the worker died with the database", [w]));
        Assert.Contains("Transient database failure", w.Log(), StringComparison.Ordinal);
        Assert.Equal("succeeded_with_quarantine", Assert.Single(await probe.RunsAsync(Batch)).Status);
        Assert.Equal("", (await Snapshot.TakeAsync(cs)).DiffFrom(fixture.Reference));
    }

    [Fact]
    public async Task SameBatchTriggeredTwiceAtOnce_RunsOnce_AndAgainAfterSuccessChangesNothing()
    {
        var cs = await fixture.NewLoadedDatabaseAsync();
        await using var probe = new RunProbe(cs);
        using var a = WorkerProcess.Start(cs, fixture.LogDir, "twice-a");
        using var b = WorkerProcess.Start(cs, fixture.LogDir, "twice-b");
        var triggers = await Task.WhenAll(WorkerProcess.TriggerAsync(cs, Batch), WorkerProcess.TriggerAsync(cs, Batch));
        Assert.All(triggers, t => Assert.True(t.ExitCode == 0, t.Output));

        Assert.True(await probe.WaitForRunEndAsync(Batch, RunTimeout), Failure("run did not end", [a, b]));
        Assert.Single(await probe.RunsAsync(Batch));
        var first = await Snapshot.TakeAsync(cs);
        Assert.Equal("", first.DiffFrom(fixture.Reference));

        // The two requests at once queued one batch-run job: the second said so.
        Assert.Single(triggers, t => t.Output.Contains($"{Batch} queued (job", StringComparison.Ordinal));
        Assert.Single(triggers, t => t.Output.Contains("already queued", StringComparison.Ordinal)
                                     || t.Output.Contains("already running", StringComparison.Ordinal));

        // A third request after success queues nothing and says so.
        var third = await WorkerProcess.TriggerAsync(cs, Batch);
        Assert.True(third.ExitCode == 0, third.Output);
        Assert.Contains("already settled", third.Output, StringComparison.Ordinal);
        Assert.Single(await probe.RunsAsync(Batch));
        Assert.Equal("", (await Snapshot.TakeAsync(cs)).DiffFrom(first));
    }

    [Fact]
    public async Task GracefulStopMidRun_StopsAtChunkBoundary_AnotherWorkerResumesToSameResults()
    {
        var cs = await fixture.NewLoadedDatabaseAsync();
        await using var probe = new RunProbe(cs);
        var first = WorkerProcess.Start(cs, fixture.LogDir, "graceful-1");
        try
        {
            await TriggerAsync(cs);
            // Stopped early (one chunk committed somewhere), so partitions are surely still in hand when it lands.
            Assert.True(await probe.WaitForProgressAsync(Batch, 60, RunTimeout), Failure("no progress", [first]));
            Assert.Equal(0, await first.StopAsync(TimeSpan.FromSeconds(40)));
            Assert.Contains("handed back to the queue", first.Log(), StringComparison.Ordinal);

            // Left resumable: the run is still open and no partition was marked failed by the stop.
            var run = Assert.Single(await probe.RunsAsync(Batch));
            Assert.Equal("running", run.Status);
            Assert.DoesNotContain(await probe.PartitionsAsync(Batch), p => p.Status == "failed");
            // The stopped worker took its server off Hangfire's Servers page.
            Assert.Equal(0, await probe.ScalarAsync("SELECT count(*) FROM hangfire.server"));
        }
        finally
        {
            first.Dispose();
        }

        using var second = WorkerProcess.Start(cs, fixture.LogDir, "graceful-2");
        Assert.True(await probe.WaitForRunEndAsync(Batch, RunTimeout), Failure("the resumed run did not end", [second]));
        Assert.Equal("", (await Snapshot.TakeAsync(cs)).DiffFrom(fixture.Reference));
    }

    [Fact]
    public async Task RunThatCannotFinish_EndsFailedWithReason_ThenRetryResumesFromCheckpoints()
    {
        var cs = await fixture.NewLoadedDatabaseAsync();
        await using var probe = new RunProbe(cs);
        using var w = WorkerProcess.Start(cs, fixture.LogDir, "fails");
        await TriggerAsync(cs);
        Assert.True(await probe.WaitForProgressAsync(Batch, 200, RunTimeout), Failure("no progress", [w]));

        // From now on every chunk commit breaks a rule (not a transient error): the run cannot finish.
        await probe.ExecuteAsync(
            "ALTER TABLE settlement_result ADD CONSTRAINT fault_test_refuses_results CHECK (setl_id IS NULL) NOT VALID");
        Assert.True(await probe.WaitForRunEndAsync(Batch, RunTimeout), Failure("the broken run did not end", [w]));
        var failed = Assert.Single(await probe.RunsAsync(Batch));
        Assert.Equal("failed", failed.Status);
        Assert.Contains("fault_test_refuses_results", failed.Error ?? "", StringComparison.Ordinal);
        var committed = (await probe.PartitionsAsync(Batch)).Sum(p => p.ClaimsDone);
        output.WriteLine($"failed after {committed} claims committed: {failed.Error}");

        // Nothing half-written: the ledger holds entries only for claims whose result row exists.
        Assert.Equal(0, await probe.ScalarAsync(
            "SELECT count(*) FROM ledger_line l WHERE l.setl_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM settlement_result r WHERE r.setl_id = l.setl_id)"));

        // Fixed, and triggered again: the same run resumes from its checkpoints and ends as an uninterrupted run would.
        await probe.ExecuteAsync("ALTER TABLE settlement_result DROP CONSTRAINT fault_test_refuses_results");
        await TriggerAsync(cs);
        Assert.True(await RunProbe.WaitUntilAsync(
            async () => (await probe.RunsAsync(Batch)) is [{ Status: "succeeded_with_quarantine" }], RunTimeout), Failure("the retried run did not succeed", [w]));
        var retried = Assert.Single(await probe.RunsAsync(Batch));
        Assert.Equal(failed.RunId, retried.RunId);
        Assert.True(retried.Attempt > failed.Attempt);
        Assert.Equal("", (await Snapshot.TakeAsync(cs)).DiffFrom(fixture.Reference));
    }

    [Fact]
    public async Task MonthEndSchedule_FiresByItself_QueuesThePreviousMonthsBatch()
    {
        var cs = await fixture.NewLoadedDatabaseAsync();
        var zone = RegionSchedule.ResolveTimeZone("Asia/Shanghai");
        // Every 2 s instead of 02:00 on the 1st; the month is reckoned from the scheduled fire time all the same.
        using var w = WorkerProcess.Start(cs, fixture.LogDir, "month-end", extraArgs:
        [
            "--Worker:Schedules:210500:Enabled=true",
            "--Worker:Schedules:210500:Cron=0/2 * * * * ?",
        ]);
        var expected = new[] { DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddSeconds(30) }
            .Select(t => BatchIds.PreviousMonth("210500", t, zone)).ToHashSet();

        // There is no staging data for that month, so the request is refused as it is made (issue 13): the schedule
        // fired by itself and left a failed run with the reason, visible on the dashboard, not only in a log.
        await using var probe = new RunProbe(cs);
        Assert.True(await RunProbe.WaitUntilAsync(
            async () => (await Task.WhenAll(expected.Select(b => probe.RunsAsync(b))))
                .Any(runs => runs.Any(r => r.Status == "failed" && (r.Error ?? "").Contains("no claims in staging", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(60)), Failure("the month-end schedule did not fire", [w]));
        Assert.Contains("Month-end 210500 fired", w.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissedMonthEnds_WhileEveryWorkerWasDown_EachFiresOnce_ForItsOwnMonth()
    {
        var cs = await fixture.NewLoadedDatabaseAsync();
        await using var probe = new RunProbe(cs);
        var zone = RegionSchedule.ResolveTimeZone(WorkerOptions.DefaultTimeZone);

        // The schedule as a worker declares it (the real default: 02:00 on the 1st, Beijing), then put back three
        // months as if every worker had been down since: created before, due since the first missed occurrence.
        var nowLocal = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone);
        var firstMissed = new DateTimeOffset(nowLocal.Year, nowLocal.Month, 1, 2, 0, 0, TimeSpan.FromHours(8)).AddMonths(-3);
        var occurrences = Enumerable.Range(0, 5).Select(firstMissed.AddMonths).Where(o => o <= DateTimeOffset.UtcNow).ToList();
        var expected = occurrences.Select(o => BatchIds.PreviousMonth("210500", o, zone)).ToList();
        await using (var hangfireDs = HangfireStorage.CreateDataSource(cs, 2))
        {
            var storage = HangfireStorage.Create(hangfireDs, new WorkerOptions());
            HangfireStorage.Configure(Hangfire.GlobalConfiguration.Configuration);
            var regionOnly = new WorkerOptions();
            regionOnly.Schedules["210800"].Enabled = false;
            await new RecurringSchedules(
                    new Hangfire.RecurringJobManager(storage, Hangfire.Common.JobFilterProviders.Providers, new RegionTimeZoneResolver()),
                    Microsoft.Extensions.Options.Options.Create(regionOnly),
                    Microsoft.Extensions.Logging.Abstractions.NullLogger<RecurringSchedules>.Instance)
                .StartAsync(CancellationToken.None);
        }

        var due = firstMissed.UtcDateTime;
        await probe.ExecuteAsync($"""
            UPDATE hangfire.hash SET value = '{due.AddDays(-1):o}' WHERE key = 'recurring-job:month-end:210500' AND field = 'CreatedAt';
            UPDATE hangfire.hash SET value = '{due:o}' WHERE key = 'recurring-job:month-end:210500' AND field = 'NextExecution';
            UPDATE hangfire.set SET score = {firstMissed.ToUnixTimeSeconds()} WHERE key = 'recurring-jobs' AND value = 'month-end:210500';
            """);

        using var w = WorkerProcess.Start(cs, fixture.LogDir, "missed-month-ends", extraArgs: ["--Worker:Schedules:210500:Enabled=true"]);
        Assert.True(await RunProbe.WaitUntilAsync(
            async () => await probe.ScalarAsync("SELECT count(*) FROM run") >= expected.Count, TimeSpan.FromSeconds(60)),
            Failure($"expected month-ends for {string.Join(", ", expected)}", [w]));
        // Give a duplicate the time to show up (several schedule polls), then count.
        await Task.Delay(TimeSpan.FromSeconds(4));
        foreach (var batch in expected)
        {
            // Nothing is staged for those months: each firing left one failed run with the reason (issue 13).
            Assert.Equal(1, await probe.ScalarAsync($"SELECT count(*) FROM run WHERE batch_id = '{batch}' AND status = 'failed'"));
        }

        Assert.Equal(expected.Count, await probe.ScalarAsync("SELECT count(*) FROM run"));
        var log = w.Log();
        Assert.Equal(expected.Count, log.Split("Month-end 210500 fired").Length - 1);
        foreach (var o in occurrences)
        {
            Assert.Contains($"scheduled {o.UtcDateTime:yyyy-MM-ddTHH:mm:ss}", log, StringComparison.Ordinal);
        }
    }

    private static async Task TriggerAsync(string cs)
    {
        var (exitCode, text) = await WorkerProcess.TriggerAsync(cs, Batch);
        Assert.False(text.Contains("unknown verb", StringComparison.Ordinal),
            "CliApp does not dispatch the worker verbs: add \"worker\" => WorkerCommand.RunAsync and \"trigger\" => WorkerCommand.TriggerAsync");
        Assert.True(exitCode == 0, $"trigger failed ({exitCode}): {text}");
    }

    private static string Failure(string what, IEnumerable<WorkerProcess> workers) =>
        what + "\n" + string.Join("\n", workers.Select(w => $"--- {w.Name} ({w.LogPath}):\n{w.Tail()}"));

    private static void Dispose(List<WorkerProcess> workers)
    {
        foreach (var w in workers)
        {
            w.Dispose();
        }
    }
}
