using Npgsql;
using Polly;
using Polly.Retry;

namespace BatchSettle.Data.Runs;

/// <summary>Retry of transient database errors: exponential backoff with jitter, a few attempts.</summary>
public static class RunResilience
{
    public static ResiliencePipeline Create(TimeProvider time, int maxRetryAttempts = 4) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(e => e.IsTransient),
                MaxRetryAttempts = maxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(10),
            })
            .Build();
}
