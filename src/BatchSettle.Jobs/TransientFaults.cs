using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;
using Polly;
using Polly.Retry;

namespace BatchSettle.Jobs;

/// <summary>
/// Which database failures are worth retrying, and the retry pipeline (Polly: exponential back-off with jitter and a
/// limit) the jobs run the runner through. Retrying a partition is safe because it resumes from its checkpoint: a
/// chunk that was cut off by the failure was never committed.
/// </summary>
public static class TransientFaults
{
    /// <summary>
    /// Connection lost or refused, server shutting down or starting (pg_ctl restart: 57P01 admin_shutdown for the
    /// sessions it ends, 57P03 cannot_connect_now while it starts), too many connections, serialization failures and
    /// deadlocks. A cancelled operation is never transient: it is a stop.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case OperationCanceledException:
                    return false;
                case PostgresException pg when pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "53400" or "40001" or "40P01"
                                               || pg.SqlState.StartsWith("08", StringComparison.Ordinal):
                    return true;
                case PostgresException:
                    return false;
                case NpgsqlException { IsTransient: true }:
                case SocketException:
                case IOException:
                case TimeoutException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>The retry pipeline for database work done by the jobs.</summary>
    public static ResiliencePipeline CreatePipeline(WorkerOptions options, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransient(e)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                MaxRetryAttempts = options.TransientRetries,
                Delay = options.TransientRetryDelay,
                MaxDelay = options.TransientRetryMaxDelay,
                OnRetry = args =>
                {
                    logger.TransientRetry(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message ?? "");
                    return default;
                },
            })
            .Build();
    }
}
