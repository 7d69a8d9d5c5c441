namespace BatchSettle.Jobs;

/// <summary>
/// Another process holds the partition (the runner's advisory lock): not a failure of the partition, so it is not
/// marked failed; Hangfire retries the job later (see PartitionJob), and it then finds the partition finished or free.
/// </summary>
public sealed class PartitionBusyException : Exception
{
    public PartitionBusyException(long runId, int partNo, Exception inner)
        : base($"partition {partNo} of run {runId} is being settled by another process", inner)
    {
        RunId = runId;
        PartNo = partNo;
    }

    public PartitionBusyException()
    {
    }

    public PartitionBusyException(string message)
        : base(message)
    {
    }

    public PartitionBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public long RunId { get; }

    public int PartNo { get; }
}
