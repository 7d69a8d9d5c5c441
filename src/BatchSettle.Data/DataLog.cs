using Microsoft.Extensions.Logging;

namespace BatchSettle.Data;

/// <summary>The batch runner's log messages (issue 10: the data layer logs through ILogger; the texts are the lines the CLI printed before).</summary>
internal static partial class RunLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "resuming run {RunId} of batch {BatchId} (was {Status}){Partitions}")]
    public static partial void Resuming(ILogger logger, long runId, string batchId, string status, string partitions);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "run {RunId} of batch {BatchId}: {Partitions} partitions")]
    public static partial void Created(ILogger logger, long runId, string batchId, int partitions);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information,
        Message = "run {RunId} of batch {BatchId}: follow-up of run {PreviousRunId} for the claims staged since; {Partitions} partitions")]
    public static partial void FollowUpCreated(ILogger logger, long runId, string batchId, long previousRunId, int partitions);

    /// <summary>What the run's lease keeper reports (a renewal that failed, a lease lost).</summary>
    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void Lease(ILogger logger, string message);
}

/// <summary>The staging loader's log messages.</summary>
internal static partial class LoadLog
{
    /// <summary>The summary line (the CLI prints it on stdout from the LoadResult; a host sees it here).</summary>
    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "{File}: {Rows} rows, {Inserted} loaded, {Already} already loaded (skipped), {Rejected} rejected")]
    public static partial void Loaded(ILogger logger, string file, int rows, int inserted, int already, int rejected);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information,
        Message = "batch {BatchId} was settled by run {RunId}: its {Late} new claims are settled by a follow-up run (batchsettle run --batch {BatchId})")]
    public static partial void FollowUp(ILogger logger, string batchId, long runId, long late);

    /// <summary>The rejected rows of a file, one line each ("  rejected FILE:LINE field F: REASON"), at most MaxPrintedRejects.</summary>
    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "{Lines}")]
    public static partial void Rejects(ILogger logger, string lines);
}
