using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BatchSettle.Dashboard;

internal static partial class DashboardApi
{
    /// <summary>Rate over the samples of this last window; short enough to follow a change, long enough to be steady.</summary>
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(30);

    /// <summary>Days on the history graph.</summary>
    private const int HistoryDays = 14;

    /// <summary>Server-sent events: the home page's snapshot every live interval.</summary>
    private static ServerSentEventsResult<Overview> StreamOverview(
        DashboardStore store, IOptions<DashboardOptions> options, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(OverviewStream(store, options.Value.LiveInterval, cancellationToken), "overview");

    /// <summary>Server-sent events: one run's progress every live interval, ending after the run ends.</summary>
    private static ServerSentEventsResult<RunLive> StreamRun(
        long runId, DashboardStore store, IOptions<DashboardOptions> options, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(RunStream(store, runId, options.Value.LiveInterval, cancellationToken), "run");

    private static async IAsyncEnumerable<Overview> OverviewStream(
        DashboardStore store, TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            yield return await OverviewAsync(store, cancellationToken);
            await Task.Delay(interval, store.Clock, cancellationToken);
        }
    }

    private static async IAsyncEnumerable<RunLive> RunStream(
        DashboardStore store, long runId, TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var live = await RunLiveAsync(store, runId, cancellationToken);
            if (live is null)
            {
                yield break;
            }

            yield return live;
            if (DashboardStore.IsTerminal(live.Run.Status))
            {
                yield break;
            }

            await Task.Delay(interval, store.Clock, cancellationToken);
        }
    }

    private static async Task<Overview> OverviewAsync(DashboardStore store, CancellationToken cancellationToken)
    {
        var counts = await store.CountsAsync(cancellationToken);
        var running = new List<RunLive>();
        foreach (var run in await store.RunningAsync(cancellationToken))
        {
            running.Add(await LiveOfAsync(store, run, cancellationToken));
        }

        var history = await store.HistoryAsync(HistoryDays, cancellationToken);
        return new Overview(counts, running, history, store.Clock.GetUtcNow());
    }

    private static async Task<RunLive?> RunLiveAsync(DashboardStore store, long runId, CancellationToken cancellationToken) =>
        await store.RunAsync(runId, cancellationToken) is { } run ? await LiveOfAsync(store, run, cancellationToken) : null;

    private static async Task<RunLive> LiveOfAsync(DashboardStore store, RunSummary run, CancellationToken cancellationToken)
    {
        var partitions = await store.PartitionsAsync(run.RunId, cancellationToken);
        var cancelRequested = await store.CancelRequestedAsync(run.RunId, cancellationToken);
        if (run.Status != RunStates.Running)
        {
            return new RunLive(run, partitions, null, null, cancelRequested);
        }

        var rate = Rate(await store.SamplesAsync(run.RunId, 32, cancellationToken), store.Clock.GetUtcNow());
        double? eta = rate is > 0 ? Math.Max(0, run.ClaimsTotal - run.ClaimsDone) / rate.Value : null;
        return new RunLive(run, partitions, rate, eta, cancelRequested);
    }

    /// <summary>Claims per second between the oldest and newest sample in the rate window; null with fewer than two.</summary>
    internal static double? Rate(IReadOnlyList<ProgressSample> samples, DateTimeOffset now)
    {
        var from = now.UtcDateTime - RateWindow;
        ProgressSample? first = null;
        foreach (var s in samples)
        {
            if (s.At >= from)
            {
                first = s;
                break;
            }
        }

        if (first is null || samples.Count < 2)
        {
            return null;
        }

        var last = samples[^1];
        var seconds = (last.At - first.At).TotalSeconds;
        return seconds > 0 ? (last.ClaimsDone - first.ClaimsDone) / seconds : null;
    }
}
