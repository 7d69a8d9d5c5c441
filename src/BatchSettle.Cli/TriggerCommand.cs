using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Runs;
using BatchSettle.Jobs;

namespace BatchSettle.Cli;

/// <summary>
/// <c>batchsettle trigger --batch B [--wait] [--json]</c>: queues the batch for the workers (once; says if it was
/// queued, running or settled). With <c>--wait</c> it prints the run's id as soon as the run exists, follows it on
/// stderr (claims done of total) and exits with the run's result: 0 succeeded (with or without quarantine), 1 failed
/// or cancelled.
/// </summary>
internal static class TriggerCommand
{
    /// <summary>How often --wait reads the run.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    public static async Task<int> RunAsync(string? batchId, string? requestedBy, bool wait, int? timeoutSeconds, bool json, CliConsole c, CancellationToken ct)
    {
        if (!BatchIds.IsWellFormed(batchId))
        {
            throw new UsageException("trigger needs --batch <admdvs>-<yyyy>-<MM>");
        }

        var connectionString = await WorkerCommand.OpenAndMigrateAsync(ct);
        await using var ds = BatchSettleDatabase.CreateDataSource(connectionString, "batchsettle-trigger");
        var runs = new RunStatusQuery(ds);
        // The trigger moment on the database's clock, a second early: the run a worker creates for this request has a
        // created_at at or after it (workers on one machine or NTP-synchronised hosts).
        var since = (await runs.NowAsync(ct)).AddSeconds(-1);
        var result = await WorkerCommand.EnqueueAsync(connectionString, batchId!, requestedBy ?? $"cli:{Environment.UserName}", ct);
        if (!wait || result.IsFailure)
        {
            // A trigger that cannot run (nothing staged) leaves a failed run with its reason and exits 1.
            if (json) CliApp.WriteJson(c.Out, new { outcome = result.Outcome.ToString(), result.BatchId, result.JobId, result.RunId, result.Message });
            else
            {
                c.Out.WriteLine(result.Message);
                if (result.RunId is { } id) c.Out.WriteLine($"run id: {id}");
            }

            return result.IsFailure ? CliApp.Failed : CliApp.Ok;
        }

        c.Error.WriteLine(result.Message);
        // The trigger writes the run row itself (queued, resumed, or the one running or settled): follow that run; only
        // when it names none, the newest run of the batch created since.
        long? follow = result.RunId;

        if (timeoutSeconds is < 1) throw new UsageException("--timeout must be a positive number of seconds");
        var deadline = timeoutSeconds is { } t ? System.Diagnostics.Stopwatch.StartNew() : null;
        RunStatus? run = null;
        bool announced = false;
        var sinceLine = System.Diagnostics.Stopwatch.StartNew();
        bool first = true;
        while (true)
        {
            run = follow is { } id ? await runs.GetAsync(id, ct) : await runs.NewestSinceAsync(batchId!, since, ct);
            if (run is not null)
            {
                follow = run.RunId;
                if (!announced)
                {
                    if (!json) c.Out.WriteLine($"run {run.RunId}");
                    announced = true;
                }

                if (run.Ended) break;
                if ((first || sinceLine.Elapsed >= LiveProgress.PlainInterval) && LiveProgress.PlainInterval > TimeSpan.Zero)
                {
                    c.Diagnostic(run.ClaimsTotal > 0
                        ? $"run {run.RunId}: {run.Status}, {run.ClaimsDone:N0} of {run.ClaimsTotal:N0} claims ({100.0 * run.ClaimsDone / run.ClaimsTotal:F0} %)"
                        : $"run {run.RunId}: {run.Status}");
                    sinceLine.Restart();
                    first = false;
                }
            }

            if (deadline is not null && deadline.Elapsed.TotalSeconds >= timeoutSeconds!.Value)
            {
                c.Error.WriteLine(run is null
                    ? $"batchsettle: no run of batch {batchId} started within {timeoutSeconds} s (is a worker running? see its log)"
                    : $"batchsettle: run {run.RunId} still {run.Status} after {timeoutSeconds} s; it goes on (batchsettle status --batch {batchId})");
                return CliApp.Failed;
            }

            await Task.Delay(Poll, ct);
        }

        if (json)
        {
            CliApp.WriteJson(c.Out, new { outcome = result.Outcome.ToString(), result.BatchId, result.JobId, result.Message, run, exitCode = run.ExitCode });
        }
        else
        {
            c.Out.WriteLine($"run {run.RunId} of batch {run.BatchId}: {run.Status}{(run.Error is { Length: > 0 } e ? $": {e}" : "")}");
        }

        return run.ExitCode;
    }
}
