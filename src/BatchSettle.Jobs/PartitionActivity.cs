using System.Collections.Concurrent;

namespace BatchSettle.Jobs;

/// <summary>The partitions this process is settling right now, for its heartbeat row.</summary>
public sealed class PartitionActivity
{
    private readonly ConcurrentDictionary<(long RunId, int PartNo), byte> running = new();

    public int Count => running.Count;

    public void Enter(long runId, int partNo) => running[(runId, partNo)] = 0;

    public void Exit(long runId, int partNo) => running.TryRemove((runId, partNo), out _);

    /// <summary>"run/part" pairs, sorted, comma-separated.</summary>
    public string Describe()
    {
        var keys = running.Keys.ToArray();
        Array.Sort(keys);
        return string.Join(',', keys.Select(k => $"{k.RunId}/{k.PartNo}"));
    }
}
