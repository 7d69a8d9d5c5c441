using System.Diagnostics;
using System.Reflection;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BatchSettle.Jobs;

/// <summary>
/// Keeps this node's row in <c>node_heartbeat</c> fresh (sql/011_worker.sql) for the dashboard. Informational only:
/// Quartz's own check-in decides when a node is dead, so a heartbeat that cannot be written (database restarting) is
/// logged and tried again on the next tick rather than stopping the worker.
/// </summary>
internal sealed class NodeHeartbeatService(
    NpgsqlDataSource dataSource,
    PartitionActivity activity,
    IOptions<WorkerOptions> options,
    TimeProvider timeProvider,
    ILogger<NodeHeartbeatService> logger) : BackgroundService
{
    private static readonly string Version =
        typeof(NodeHeartbeatService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(NodeHeartbeatService).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    private readonly DateTimeOffset startedAt = timeProvider.GetUtcNow();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, timeProvider);
        do
        {
            await BeatAsync(stopped: false, stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await BeatAsync(stopped: true, cancellationToken);
    }

    private async Task BeatAsync(bool stopped, CancellationToken cancellationToken)
    {
        const string Sql = """
            INSERT INTO node_heartbeat (node_id, host, pid, version, started_at, last_seen, stopped_at, running_partitions, running)
            VALUES (@NodeId, @Host, @Pid, @Version, @StartedAt, @Now, @StoppedAt, @Count, @Running)
            ON CONFLICT (node_id) DO UPDATE SET
                last_seen = excluded.last_seen,
                stopped_at = excluded.stopped_at,
                running_partitions = excluded.running_partitions,
                running = excluded.running,
                version = excluded.version
            """;
        var now = timeProvider.GetUtcNow();
        using var process = Process.GetCurrentProcess();
        var row = new
        {
            options.Value.NodeId,
            Host = Environment.MachineName,
            Pid = process.Id,
            Version,
            StartedAt = startedAt,
            Now = now,
            StoppedAt = stopped ? now : (DateTimeOffset?)null,
            activity.Count,
            Running = activity.Describe(),
        };
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(Sql, row, cancellationToken: cancellationToken));
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            logger.HeartbeatFailed(options.Value.NodeId, ex.Message);
        }
    }
}
