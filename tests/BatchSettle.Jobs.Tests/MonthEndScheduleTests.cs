using Hangfire;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace BatchSettle.Jobs.Tests;

/// <summary>The recurring jobs a worker declares, checked on Hangfire's in-memory storage (no database, no server).</summary>
public sealed class MonthEndScheduleTests
{
    [Fact]
    public async Task RecurringSchedules_DefaultConfig_MonthEndPerRegionAt0200On1stBeijing_StrictOnControlQueue_PlusReconcile()
    {
        using var storage = new InMemoryStorage();
        HangfireStorage.Configure(GlobalConfiguration.Configuration);
        var manager = new RecurringJobManager(storage, JobFilterProviders.Providers, new RegionTimeZoneResolver());
        var schedules = new RecurringSchedules(manager, Options.Create(new WorkerOptions()), NullLogger<RecurringSchedules>.Instance);

        await schedules.StartAsync(CancellationToken.None);

        using var connection = storage.GetConnection();
        var jobs = connection.GetRecurringJobs().ToDictionary(j => j.Id);
        Assert.Equal(["month-end:210500", "month-end:210800", ReconcileJob.RecurringId], jobs.Keys.Order().ToArray());
        var zone = RegionSchedule.ResolveTimeZone(WorkerOptions.DefaultTimeZone);
        foreach (var admdvs in new[] { "210500", "210800" })
        {
            var job = jobs[$"month-end:{admdvs}"];
            Assert.Equal(WorkerOptions.DefaultMonthEndCron, job.Cron);
            Assert.Equal(HangfireStorage.ControlQueue, job.Job.Queue);
            Assert.Equal(WorkerOptions.DefaultTimeZone, job.TimeZoneId);
            var hash = connection.GetAllEntriesFromHash($"recurring-job:month-end:{admdvs}");
            Assert.Equal(MisfireHandlingMode.Strict, Enum.Parse<MisfireHandlingMode>(hash["Misfire"]));
            Assert.Equal(typeof(MonthEndJob), job.Job.Type);
            Assert.Equal(admdvs, job.Job.Args[0]);
            var next = TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(job.NextExecution!.Value, DateTimeKind.Utc)), zone);
            Assert.Equal((1, 2, 0, 0), (next.Day, next.Hour, next.Minute, next.Second));
            Assert.Equal(TimeSpan.FromHours(8), next.Offset);
        }

        // A region switched off is removed on the next start.
        var off = new WorkerOptions();
        off.Schedules["210800"].Enabled = false;
        await new RecurringSchedules(manager, Options.Create(off), NullLogger<RecurringSchedules>.Instance).StartAsync(CancellationToken.None);
        Assert.DoesNotContain(connection.GetRecurringJobs(), j => j.Id == "month-end:210800");
    }

    /// <summary>A worker killed while it registered the schedules leaves Hangfire's lock on the recurring job until the
    /// lock expires (10 min with Hangfire.PostgreSql). A worker started meanwhile used to fail to start (WorkerFaultTests
    /// caught one): now it starts, keeps the stored schedules, and registers once the lock is free.</summary>
    [Fact]
    public async Task RecurringSchedules_LockHeldElsewhere_StartGoesOn_RegistersOnceTheLockIsFree()
    {
        using var storage = new InMemoryStorage();
        HangfireStorage.Configure(GlobalConfiguration.Configuration);
        var manager = new RecurringJobManager(storage, JobFilterProviders.Providers, new RegionTimeZoneResolver());
        using var release = new SemaphoreSlim(0);
        using var heldNow = new SemaphoreSlim(0);
        // The lock held on another thread and connection, as another process would.
        var holder = Task.Run(async () =>
        {
            using var connection = storage.GetConnection();
            using (connection.AcquireDistributedLock("lock:recurring-job:month-end:210500", TimeSpan.FromSeconds(5)))
            {
                heldNow.Release();
                await release.WaitAsync();
            }
        });
        await heldNow.WaitAsync();

        using var schedules = new RecurringSchedules(manager, Options.Create(new WorkerOptions()),
            NullLogger<RecurringSchedules>.Instance, retryDelay: TimeSpan.FromMilliseconds(200));
        await schedules.StartAsync(CancellationToken.None);
        Assert.True(schedules.Pending);
        using var connection = storage.GetConnection();
        Assert.DoesNotContain(connection.GetRecurringJobs(), j => j.Id == "month-end:210500");

        release.Release();
        await holder;
        var registered = System.Diagnostics.Stopwatch.StartNew();
        while (schedules.Pending && registered.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
        Assert.False(schedules.Pending);
        Assert.Equal(["month-end:210500", "month-end:210800", ReconcileJob.RecurringId],
            connection.GetRecurringJobs().Select(j => j.Id).Order().ToArray());
        await schedules.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void PreviousMonth_OfThe0200On1AprilBeijingOccurrence_IsMarch_ThoughUtcIsStill31March()
    {
        var zone = RegionSchedule.ResolveTimeZone(WorkerOptions.DefaultTimeZone);
        var occurrence = new DateTimeOffset(2025, 4, 1, 2, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal(31, occurrence.UtcDateTime.Day);
        Assert.Equal("210500-2025-03", BatchIds.PreviousMonth("210500", DateTimeOffset.FromUnixTimeSeconds(occurrence.ToUnixTimeSeconds()), zone));
    }

    [Fact]
    public void ResolveTimeZone_Shanghai_IsUtcPlus8WithoutDaylightSaving()
    {
        var zone = RegionSchedule.ResolveTimeZone("Asia/Shanghai");
        Assert.Equal(TimeSpan.FromHours(8), zone.GetUtcOffset(new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(TimeSpan.FromHours(8), zone.GetUtcOffset(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }
}
