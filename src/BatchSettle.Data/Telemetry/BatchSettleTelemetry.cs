using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BatchSettle.Data.Telemetry;

/// <summary>
/// The product's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <see cref="Name"/>, with
/// every instrument on it. They live in the data layer because the batch runner emits the run, partition and chunk
/// spans; the worker's <c>TelemetrySetup</c> subscribes to <see cref="Name"/>. With no listener attached (telemetry off),
/// <c>StartActivity</c> returns null and <c>Add</c>/<c>Record</c> return at once, so leaving the calls in costs nothing.
/// </summary>
/// <remarks>
/// The names below are a contract with whoever builds dashboards and alerts on them: a rename is a breaking change.
/// Record per chunk, not per claim: the runner adds up its counts and amounts while settling and calls
/// <see cref="RecordChunk"/> once after the chunk's transaction commits, so the hot loop never touches an instrument.
/// </remarks>
public static class BatchSettleTelemetry
{
    /// <summary>Name of the activity source and of the meter.</summary>
    public const string Name = "BatchSettle";

    /// <summary>Span names.</summary>
    public const string RunSpan = "batchsettle.run";
    public const string PartitionSpan = "batchsettle.partition";
    public const string ChunkSpan = "batchsettle.chunk";

    /// <summary>Tag names (spans and metrics).</summary>
    public const string RunIdTag = "batchsettle.run_id";
    public const string BatchIdTag = "batchsettle.batch_id";
    public const string PartitionTag = "batchsettle.partition";
    public const string ClaimsTag = "batchsettle.claims";
    public const string RegionTag = "region";
    public const string StatusTag = "status";
    public const string FundPayTypeTag = "fund_pay_type";
    public const string TableTag = "table";

    /// <summary>Instrument names.</summary>
    public const string ClaimsSettledName = "batchsettle.claims.settled";
    public const string ClaimsRejectedName = "batchsettle.claims.rejected";
    public const string ClaimsQuarantinedName = "batchsettle.claims.quarantined";
    public const string FundAmountName = "batchsettle.fund.amount";
    public const string ChunkLatencyName = "batchsettle.chunk.latency";
    public const string RowsCopiedName = "batchsettle.copy.rows";
    public const string RunDurationName = "batchsettle.run.duration";

    public static readonly ActivitySource ActivitySource = new(Name, "1.0.0");

    public static readonly Meter Meter = new(Name, "1.0.0");

    /// <summary>Claims settled (a fund or the person paid; a ledger entry was posted). Tags: region, status.</summary>
    public static readonly Counter<long> ClaimsSettled =
        Meter.CreateCounter<long>(ClaimsSettledName, "{claim}", "Claims settled");

    /// <summary>Claims rejected (not eligible: no fund pays). Tags: region, status.</summary>
    public static readonly Counter<long> ClaimsRejected =
        Meter.CreateCounter<long>(ClaimsRejectedName, "{claim}", "Claims rejected as not eligible");

    /// <summary>Claims quarantined (bad input, not settled). Tags: region, status.</summary>
    public static readonly Counter<long> ClaimsQuarantined =
        Meter.CreateCounter<long>(ClaimsQuarantinedName, "{claim}", "Claims quarantined for bad input");

    /// <summary>Fund payments in fen. Tag: fund_pay_type (310100, 390100, 390200, 330100, 610100).</summary>
    public static readonly Counter<long> FundAmount =
        Meter.CreateCounter<long>(FundAmountName, "fen", "Amount paid per fund, in fen");

    /// <summary>Wall time of one chunk from first claim read to commit, in milliseconds.</summary>
    public static readonly Histogram<double> ChunkLatency =
        Meter.CreateHistogram<double>(ChunkLatencyName, "ms", "Chunk latency, read to commit");

    /// <summary>Rows written or read with binary COPY. Tag: table.</summary>
    public static readonly Counter<long> RowsCopied =
        Meter.CreateCounter<long>(RowsCopiedName, "{row}", "Rows moved with binary COPY");

    /// <summary>Run duration in seconds, recorded when a run ends. Tag: status.</summary>
    public static readonly Histogram<double> RunDuration =
        Meter.CreateHistogram<double>(RunDurationName, "s", "Run duration");

    /// <summary>Starts the span of one run (null when nobody listens).</summary>
    public static Activity? StartRun(long runId, string batchId)
    {
        var activity = ActivitySource.StartActivity(RunSpan, ActivityKind.Internal);
        activity?.SetTag(RunIdTag, runId);
        activity?.SetTag(BatchIdTag, batchId);
        return activity;
    }

    /// <summary>Starts the span of one partition of a run (a child of the current activity).</summary>
    public static Activity? StartPartition(long runId, int partNo)
    {
        var activity = ActivitySource.StartActivity(PartitionSpan, ActivityKind.Internal);
        activity?.SetTag(RunIdTag, runId);
        activity?.SetTag(PartitionTag, partNo);
        return activity;
    }

    /// <summary>Starts the span of one chunk (one transaction of whole persons).</summary>
    public static Activity? StartChunk(long runId, int partNo)
    {
        var activity = ActivitySource.StartActivity(ChunkSpan, ActivityKind.Internal);
        activity?.SetTag(RunIdTag, runId);
        activity?.SetTag(PartitionTag, partNo);
        return activity;
    }

    /// <summary>Counts one committed chunk's outcome for one region.</summary>
    public static void RecordClaims(string region, long settled, long rejected, long quarantined)
    {
        if (settled != 0)
        {
            ClaimsSettled.Add(settled, new(RegionTag, region), new(StatusTag, "settled"));
        }

        if (rejected != 0)
        {
            ClaimsRejected.Add(rejected, new(RegionTag, region), new(StatusTag, "rejected"));
        }

        if (quarantined != 0)
        {
            ClaimsQuarantined.Add(quarantined, new(RegionTag, region), new(StatusTag, "quarantined"));
        }
    }

    /// <summary>Adds one fund's payments (fen) from a committed chunk.</summary>
    public static void RecordFund(string fundPayType, long fen)
    {
        if (fen != 0)
        {
            FundAmount.Add(fen, new KeyValuePair<string, object?>(FundPayTypeTag, fundPayType));
        }
    }

    /// <summary>Records a committed chunk's latency and its claim count on the chunk span.</summary>
    public static void RecordChunk(Activity? chunk, TimeSpan elapsed, int claims)
    {
        chunk?.SetTag(ClaimsTag, claims);
        ChunkLatency.Record(elapsed.TotalMilliseconds);
    }

    /// <summary>Counts rows moved with binary COPY into or out of <paramref name="table"/>.</summary>
    public static void RecordRowsCopied(string table, long rows)
    {
        if (rows != 0)
        {
            RowsCopied.Add(rows, new KeyValuePair<string, object?>(TableTag, table));
        }
    }

    /// <summary>Records a finished run's duration and final status.</summary>
    public static void RecordRunEnd(Activity? run, TimeSpan elapsed, string status)
    {
        run?.SetTag(StatusTag, status);
        if (status == "failed")
        {
            run?.SetStatus(ActivityStatusCode.Error);
        }

        RunDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(StatusTag, status));
    }
}
