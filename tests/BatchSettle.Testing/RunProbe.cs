using Npgsql;

namespace BatchSettle.Testing;

/// <summary>Reads run and run_partition of a test database, and waits on them with a deadline.</summary>
public sealed class RunProbe(string connectionString) : IAsyncDisposable
{
    private readonly NpgsqlDataSource ds = NpgsqlDataSource.Create(connectionString);

    public sealed record RunRow(long RunId, string Status, int Attempt, string? Error);

    public sealed record PartitionRow(int PartNo, string Status, string? Owner, long ClaimsDone, long ClaimsTotal, string? Error);

    public async Task<IReadOnlyList<RunRow>> RunsAsync(string batchId)
    {
        var rows = new List<RunRow>();
        await using var cmd = ds.CreateCommand("SELECT run_id, status, attempt, error FROM run WHERE batch_id = $1 ORDER BY run_id");
        cmd.Parameters.Add(new NpgsqlParameter { Value = batchId });
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            rows.Add(new RunRow(r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3)));
        }

        return rows;
    }

    public async Task<IReadOnlyList<PartitionRow>> PartitionsAsync(string batchId)
    {
        var rows = new List<PartitionRow>();
        await using var cmd = ds.CreateCommand(
            """
            SELECT p.part_no, p.status, p.owner, p.claims_done, p.claims_total, p.error
            FROM run_partition p JOIN run r ON r.run_id = p.run_id
            WHERE r.batch_id = $1 ORDER BY p.run_id, p.part_no
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = batchId });
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            rows.Add(new PartitionRow(r.GetInt32(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3), r.GetInt64(4),
                r.IsDBNull(5) ? null : r.GetString(5)));
        }

        return rows;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var cmd = ds.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var cmd = ds.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Polls until <paramref name="done"/> holds, tolerating a database that is briefly away.</summary>
    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> done, TimeSpan timeout, TimeSpan? every = null)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                if (await done())
                {
                    return true;
                }
            }
            catch (NpgsqlException)
            {
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(200));
        }

        return false;
    }

    public Task<bool> WaitForRunEndAsync(string batchId, TimeSpan timeout) =>
        WaitUntilAsync(async () => (await RunsAsync(batchId)) is [.., { Status: "succeeded" or "succeeded_with_quarantine" or "failed" }], timeout);

    public Task<bool> WaitForProgressAsync(string batchId, long claimsDone, TimeSpan timeout) =>
        WaitUntilAsync(async () => (await PartitionsAsync(batchId)).Sum(p => p.ClaimsDone) >= claimsDone, timeout);

    public ValueTask DisposeAsync() => ds.DisposeAsync();
}
