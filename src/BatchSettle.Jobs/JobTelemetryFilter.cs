using System.Diagnostics;
using BatchSettle.Data.Telemetry;
using Hangfire.Client;
using Hangfire.Common;
using Hangfire.Server;

namespace BatchSettle.Jobs;

/// <summary>
/// A span per Hangfire job (Hangfire has no instrumentation of its own). When a job is created, the creator's trace
/// context (W3C traceparent / tracestate) is stored as job parameters; when a worker performs it, a
/// <c>batchsettle.job</c> span is started as that context's child, so a trace runs from the request or job that queued
/// the work through the batch-run job to each partition job, and the run, partition and chunk spans nest under it.
/// Modelled on the contrib OpenTelemetry.Instrumentation.Hangfire filter.
/// </summary>
public sealed class JobTelemetryFilter : IClientFilter, IServerFilter
{
    public const string JobSpan = "batchsettle.job";
    public const string TraceParentParameter = "traceparent";
    public const string TraceStateParameter = "tracestate";
    public const string JobIdTag = "hangfire.job.id";
    public const string JobTypeTag = "hangfire.job.type";
    public const string QueueTag = "hangfire.job.queue";
    private const string ActivityItem = "batchsettle.job.activity";

    public void OnCreating(CreatingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } current)
        {
            context.SetJobParameter(TraceParentParameter, id);
            if (current.TraceStateString is { } state)
            {
                context.SetJobParameter(TraceStateParameter, state);
            }
        }
    }

    public void OnCreated(CreatedContext context)
    {
    }

    public void OnPerforming(PerformingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parentId = context.GetJobParameter<string>(TraceParentParameter);
        var state = context.GetJobParameter<string>(TraceStateParameter);
        ActivityContext.TryParse(parentId, state, isRemote: true, out var parent);
        var job = context.BackgroundJob.Job;
        var activity = BatchSettleTelemetry.ActivitySource.StartActivity(JobSpan, ActivityKind.Consumer, parent);
        if (activity is null)
        {
            return;
        }

        activity.DisplayName = $"{JobSpan} {job.Type.Name}";
        activity.SetTag(JobIdTag, context.BackgroundJob.Id);
        activity.SetTag(JobTypeTag, job.Type.Name);
        activity.SetTag(QueueTag, job.Queue);
        if (job.Type == typeof(PartitionJob) && job.Args is [long runId, int partNo, ..])
        {
            activity.SetTag(BatchSettleTelemetry.RunIdTag, runId);
            activity.SetTag(BatchSettleTelemetry.PartitionTag, partNo);
        }
        else if (job.Type == typeof(BatchRunJob) && job.Args is [string batchId, ..])
        {
            activity.SetTag(BatchSettleTelemetry.BatchIdTag, batchId);
        }

        context.Items[ActivityItem] = activity;
    }

    public void OnPerformed(PerformedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Items.TryGetValue(ActivityItem, out var item) || item is not Activity activity)
        {
            return;
        }

        if (context.Exception is { } ex && !context.ExceptionHandled)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity.AddException(ex);
        }

        activity.Dispose();
    }
}
