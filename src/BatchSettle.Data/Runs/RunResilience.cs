using Npgsql;
using Polly;
using Polly.Retry;

namespace BatchSettle.Data.Runs;

/// <summary>
/// Retry of transient database errors: exponential backoff with jitter (0.2 s doubling, at most 5 s apart), for a
/// budget long enough to ride out a database restart: <c>BATCHSETTLE_RETRY_SECONDS</c> (default 60 s; it used to
/// give up after ~3 s, less than a PostgreSQL restart takes).
/// </summary>
public static class RunResilience
{
    public const string BudgetEnvVar = "BATCHSETTLE_RETRY_SECONDS";

    /// <summary>The retry budget in seconds from the environment (default 60).</summary>
    public static int BudgetSeconds =>
        int.TryParse(Environment.GetEnvironmentVariable(BudgetEnvVar), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out int s) && s > 0 ? s : 60;

    /// <summary>Attempts whose backoff (0.2 s doubling, capped at 5 s) adds up to at least the budget.</summary>
    public static int AttemptsFor(int budgetSeconds)
    {
        double total = 0, delay = 0.2;
        int n = 0;
        while (total < budgetSeconds && n < 1000)
        {
            total += delay;
            delay = Math.Min(delay * 2, 5);
            n++;
        }
        return Math.Max(1, n);
    }

    public static ResiliencePipeline Create(TimeProvider time) => Create(time, AttemptsFor(BudgetSeconds));

    public static ResiliencePipeline Create(TimeProvider time, int maxRetryAttempts) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(e => e.IsTransient),
                MaxRetryAttempts = maxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
            })
            .Build();
}
