using System.Globalization;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Runs;

/// <summary>
/// How often a run's owner renews its lease and how long a lease lasts (issue 13, item 3). A run whose owner has not
/// renewed for <see cref="Duration"/> is shown 'interrupted'. The database's clock decides (clock_timestamp()), so
/// owners and watchers on different machines agree.
/// </summary>
public sealed record RunLeaseOptions
{
    /// <summary>Environment variable for the CLI (<c>run</c>) and the dashboard's runner: seconds (e.g. <c>5</c>) or a TimeSpan.</summary>
    public const string RenewEnvVar = "BATCHSETTLE_LEASE_RENEW";

    /// <summary>Environment variable for the lease's length: seconds (e.g. <c>30</c>) or a TimeSpan.</summary>
    public const string DurationEnvVar = "BATCHSETTLE_LEASE_DURATION";

    public TimeSpan RenewEvery { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The defaults, overridden by <see cref="RenewEnvVar"/> / <see cref="DurationEnvVar"/> when set.</summary>
    public static RunLeaseOptions FromEnvironment()
    {
        var o = new RunLeaseOptions();
        if (Parse(Environment.GetEnvironmentVariable(RenewEnvVar)) is { } renew) o = o with { RenewEvery = renew };
        if (Parse(Environment.GetEnvironmentVariable(DurationEnvVar)) is { } duration) o = o with { Duration = duration };
        o.Validate();
        return o;
    }

    /// <summary>Throws when the lease could expire between two renewals of a live owner.</summary>
    public void Validate()
    {
        if (RenewEvery < TimeSpan.FromMilliseconds(100) || Duration < RenewEvery * 2)
        {
            throw new InvalidOperationException(
                $"run lease: renew every {RenewEvery.TotalSeconds:0.###} s must be at least 0.1 s, and the lease ({Duration.TotalSeconds:0.###} s) at least twice that");
        }
    }

    private static TimeSpan? Parse(string? s)
    {
        if (string.IsNullOrWhiteSpace(s)) return null;
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double secs)) return TimeSpan.FromSeconds(secs);
        if (TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var t)) return t;
        throw new InvalidOperationException($"run lease: '{s}' is neither seconds nor a TimeSpan");
    }
}

/// <summary>A run marked interrupted: which, and why.</summary>
public sealed record InterruptedRun(long RunId, string BatchId, string Reason);

/// <summary>
/// The lease SQL (migration 073). Owners renew (<see cref="RenewAsync"/>, through a <see cref="RunLeaseKeeper"/>);
/// anyone else marks expired leases (<c>MarkExpiredAsync</c>): the worker's and the dashboard's watchers every
/// few seconds, and the CLI's <c>run</c> and <c>trigger</c> before they decide. Never the dead owner.
/// </summary>
public static class RunLeases
{
    /// <summary>Lease columns set when a run starts or resumes (one statement with the status change).</summary>
    internal const string StartLeaseSql =
        "lease_owner = @leaseOwner, lease_renewed_at = clock_timestamp(), lease_expires_at = clock_timestamp() + @leaseMs * interval '1 millisecond'";

    /// <summary>
    /// Renews the leases of <paramref name="runIds"/> held by <paramref name="owner"/>. A run found 'interrupted' (its
    /// owner was alive but could not reach the database for longer than the lease) is running again. Returns the runs
    /// that were interrupted and are running again. The row lock is FOR NO KEY UPDATE (what the UPDATE takes anyway):
    /// FOR UPDATE conflicted with the KEY SHARE lock every chunk holding quarantine rows takes on its run (the
    /// quarantine → run foreign key), so a renewal waited for a moment with no such chunk open — 0.3–2.5 s at 1M.
    /// </summary>
    public static async Task<IReadOnlyList<long>> RenewAsync(NpgsqlConnection conn, IReadOnlyCollection<long> runIds, string owner, TimeSpan duration, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(conn);
        ArgumentNullException.ThrowIfNull(runIds);
        if (runIds.Count == 0) return [];
        var revived = await conn.QueryAsync<long?>(new CommandDefinition(
            """
            WITH prev AS (
                SELECT run_id, status FROM run WHERE run_id = ANY(@ids) AND status IN ('running', 'interrupted') FOR NO KEY UPDATE)
            UPDATE run r SET status = 'running', lease_owner = @owner, lease_renewed_at = clock_timestamp(),
                   lease_expires_at = clock_timestamp() + @ms * interval '1 millisecond'
            FROM prev WHERE r.run_id = prev.run_id
            RETURNING CASE WHEN prev.status = 'interrupted' THEN r.run_id END
            """, new { ids = runIds.ToArray(), owner, ms = duration.TotalMilliseconds }, cancellationToken: ct));
        return [.. revived.OfType<long>()];
    }

    /// <summary>
    /// Marks every running run whose lease expired 'interrupted', with the reason: the database restarted after the
    /// owner's last renewal (an outage cut it off), or the owner stopped renewing. <paramref name="detectedBy"/> is
    /// named in the reason.
    /// </summary>
    public static async Task<IReadOnlyList<InterruptedRun>> MarkExpiredAsync(NpgsqlConnection conn, string detectedBy, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(conn);
        var rows = await conn.QueryAsync<InterruptedRun>(new CommandDefinition(
            """
            UPDATE run SET status = 'interrupted', interrupted_at = clock_timestamp(),
                interrupt_reason = CASE
                    WHEN pg_postmaster_start_time() > coalesce(lease_renewed_at, started_at) THEN format(
                        'database outage: the database restarted at %s, after %s last renewed its lease at %s; the run was cut off (seen by %s)',
                        to_char(pg_postmaster_start_time() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'),
                        coalesce(lease_owner, 'its owner'),
                        to_char(coalesce(lease_renewed_at, started_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), @detectedBy::text)
                    ELSE format('owner %s stopped renewing its lease at %s (expired %s; seen by %s)',
                        coalesce(lease_owner, '(unknown)'),
                        to_char(coalesce(lease_renewed_at, started_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'),
                        to_char(lease_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), @detectedBy::text)
                END
            WHERE status = 'running' AND lease_expires_at < clock_timestamp()
            RETURNING run_id AS RunId, batch_id AS BatchId, interrupt_reason AS Reason
            """, new { detectedBy }, cancellationToken: ct));
        return [.. rows];
    }

    /// <summary>The same, on a connection of its own.</summary>
    public static async Task<IReadOnlyList<InterruptedRun>> MarkExpiredAsync(NpgsqlDataSource dataSource, string detectedBy, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await MarkExpiredAsync(conn, detectedBy, ct);
    }

    /// <summary>Marks one running run interrupted at once, with the reason (its owner stopping on purpose).</summary>
    public static async Task MarkInterruptedAsync(NpgsqlDataSource dataSource, long runId, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(
            """
            UPDATE run SET status = 'interrupted', interrupted_at = clock_timestamp(), interrupt_reason = @reason, lease_expires_at = clock_timestamp()
            WHERE run_id = @runId AND status = 'running'
            """, new { runId, reason }, cancellationToken: ct));
    }

    /// <summary>This process as a lease owner: <c>&lt;kind&gt; &lt;host&gt;-&lt;pid&gt;</c>.</summary>
    public static string ProcessOwner(string kind) => $"{kind} {Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Owners that run a whole batch under the batch's session lock (CLI <c>run</c>, the dashboard's runner):
    /// when another process holds that lock, such an owner is gone whatever its lease says.</summary>
    public const string RunnerPrefix = "run:";
}

/// <summary>
/// Renews the leases of the runs this process is working on, every <see cref="RunLeaseOptions.RenewEvery"/>, on its
/// own timer (a busy settling thread never delays it). <see cref="Hold"/> a run for as long as work on it is in hand.
/// Renewal failures (the database away) are reported to <c>onError</c> and retried on the next tick.
/// </summary>
public sealed class RunLeaseKeeper : IAsyncDisposable
{
    private readonly NpgsqlDataSource _ds;
    private readonly string _owner;
    private readonly RunLeaseOptions _options;
    private readonly Action<string>? _onMessage;
    private readonly Dictionary<long, int> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RunLeaseKeeper(NpgsqlDataSource dataSource, string owner, RunLeaseOptions options, Action<string>? onMessage = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _ds = dataSource;
        _owner = owner;
        _options = options;
        _onMessage = onMessage;
        _loop = Task.Run(LoopAsync);
    }

    public string Owner => _owner;

    public RunLeaseOptions Options => _options;

    /// <summary>Keeps renewing <paramref name="runId"/>'s lease until the returned handle is disposed.</summary>
    public IDisposable Hold(long runId)
    {
        lock (_held) _held[runId] = _held.GetValueOrDefault(runId) + 1;
        return new Handle(this, runId);
    }

    /// <summary>Renews every held lease now.</summary>
    public async Task RenewNowAsync(CancellationToken ct = default)
    {
        long[] ids;
        lock (_held) ids = [.. _held.Keys];
        if (ids.Length == 0) return;
        await using var conn = await _ds.OpenConnectionAsync(ct);
        foreach (long id in await RunLeases.RenewAsync(conn, ids, _owner, _options.Duration, ct))
        {
            _onMessage?.Invoke($"run {id} was marked interrupted while {_owner} could not renew its lease; it is running again");
        }
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(_options.RenewEvery);
        string? lastError = null;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await RenewNowAsync(_stop.Token);
                    lastError = null;
                }
                catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    if (e.Message != lastError) _onMessage?.Invoke($"lease renewal of {_owner} failed (retrying): {e.Message}");
                    lastError = e.Message;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    private void Release(long runId)
    {
        lock (_held)
        {
            if (_held.TryGetValue(runId, out int n) && n > 1) _held[runId] = n - 1;
            else _held.Remove(runId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private sealed class Handle(RunLeaseKeeper keeper, long runId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) keeper.Release(runId);
        }
    }
}
