using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace BatchSettle.Cli;

/// <summary>One reading of a long job's progress: what, how much of how much, in which unit.</summary>
internal sealed record ProgressReading(string Label, double Done, double Total, string Unit);

/// <summary>
/// Shows a long job's progress on stderr while it works: a live bar with rate and ETA (Spectre.Console) when stderr is a
/// terminal, a plain line every <see cref="PlainInterval"/> otherwise (logs, CI). Readings are pulled: a run's from the
/// database (what every chunk commit advances), a load's from the loader's IProgress reports.
/// </summary>
internal static class LiveProgress
{
    /// <summary>Between two plain progress lines (BATCHSETTLE_PROGRESS_SECONDS overrides; 0 turns them off).</summary>
    public static TimeSpan PlainInterval =>
        int.TryParse(Environment.GetEnvironmentVariable("BATCHSETTLE_PROGRESS_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out int s)
            ? TimeSpan.FromSeconds(s) : TimeSpan.FromSeconds(5);

    public static async Task<T> RunAsync<T>(CliConsole console, Func<CancellationToken, Task<ProgressReading?>> read, Func<Task<T>> work, CancellationToken ct)
    {
        var job = work();
        if (console.Interactive)
        {
            await LiveBarAsync(console, read, job, ct);
        }
        else if (PlainInterval > TimeSpan.Zero)
        {
            await PlainLinesAsync(console, read, job, ct);
        }

        return await job;
    }

    private static async Task LiveBarAsync(CliConsole console, Func<CancellationToken, Task<ProgressReading?>> read, Task job, CancellationToken ct)
    {
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.Live = ansi;
        try
        {
            await ansi.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var tasks = new Dictionary<string, (ProgressTask Task, Rate Rate)>(StringComparer.Ordinal);
                    while (true)
                    {
                        bool finished = job.IsCompleted;
                        if (await SafeReadAsync(read, ct) is { } r)
                        {
                            if (!tasks.TryGetValue(r.Label, out var t))
                            {
                                foreach (var (old, _) in tasks.Values) old.Value = old.MaxValue;
                                t = (ctx.AddTask(Markup.Escape(r.Label), maxValue: Math.Max(1, r.Total)), new Rate());
                                tasks[r.Label] = t;
                            }

                            t.Task.MaxValue = Math.Max(1, r.Total);
                            t.Task.Value = Math.Min(r.Done, t.Task.MaxValue);
                            t.Task.Description = Markup.Escape($"{r.Label} {Count(r.Done)}/{Count(r.Total)} {r.Unit} {t.Rate.PerSecond(r.Done)}");
                        }

                        if (finished) break;
                        await Task.WhenAny(job, Task.Delay(TimeSpan.FromMilliseconds(250), ct));
                    }
                });
        }
        finally
        {
            console.Live = null;
        }
    }

    private static async Task PlainLinesAsync(CliConsole console, Func<CancellationToken, Task<ProgressReading?>> read, Task job, CancellationToken ct)
    {
        var rate = new Rate();
        string? lastLabel = null;
        while (true)
        {
            await Task.WhenAny(job, Task.Delay(PlainInterval, ct));
            if (job.IsCompleted) return;
            if (await SafeReadAsync(read, ct) is not { } r) continue;
            if (r.Label != lastLabel)
            {
                rate = new Rate();
                lastLabel = r.Label;
            }

            string perSecond = rate.PerSecond(r.Done);
            string pct = r.Total > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({100 * r.Done / r.Total:F0} %)") : "";
            console.Diagnostic($"progress: {r.Label} {Count(r.Done)} of {Count(r.Total)} {r.Unit}{pct}, {perSecond}{rate.Eta(r.Done, r.Total)}");
        }
    }

    private static async Task<ProgressReading?> SafeReadAsync(Func<CancellationToken, Task<ProgressReading?>> read, CancellationToken ct)
    {
        try
        {
            return await read(ct);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // Progress is a view: a failed reading (the database busy or restarting) skips one update, the work goes on.
            return null;
        }
    }

    private static string Count(double n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Units per second since the first reading.</summary>
    private sealed class Rate
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private double? first;
        private double perSecond;

        public string PerSecond(double done)
        {
            first ??= done;
            double secs = clock.Elapsed.TotalSeconds;
            perSecond = secs > 0.5 ? (done - first.Value) / secs : 0;
            return string.Create(CultureInfo.InvariantCulture, $"{perSecond:N0}/s");
        }

        public string Eta(double done, double total) =>
            perSecond > 0 && total > done
                ? string.Create(CultureInfo.InvariantCulture, $", about {TimeSpan.FromSeconds(Math.Ceiling((total - done) / perSecond)):g} left")
                : "";
    }
}
