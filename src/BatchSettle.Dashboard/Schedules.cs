using Dapper;
using Npgsql;
using Quartz;

namespace BatchSettle.Dashboard;

/// <summary>
/// The Quartz triggers with their next fire times, and "trigger now". With a scheduler in this process (the worker) both
/// go through it; without one (a view-only dashboard) the triggers are read from the job store's tables and cannot be
/// fired from here.
/// </summary>
internal sealed class Schedules(NpgsqlDataSource db, DashboardStore store, IDashboardScheduler scheduler)
{
    public async Task<ScheduleList> ListAsync(CancellationToken cancellationToken)
    {
        if (scheduler.Factory is { } factory)
        {
            var quartz = await factory.GetScheduler(cancellationToken);
            var page = await quartz.QueryTriggers(new TriggerQuery(), cancellationToken);
            var triggers = await quartz.GetTriggers([.. page.Items.Select(h => h.Key)], cancellationToken);
            var cron = triggers.OfType<ICronTrigger>().ToDictionary(t => t.Key, t => t.CronExpressionString);
            var items = page.Items.Select(h => new ScheduleInfo(
                h.Key.Group, h.Key.Name, h.JobKey.Group, h.JobKey.Name, h.Description, h.State.ToString(),
                cron.GetValueOrDefault(h.Key), h.NextFireTimeUtc, h.PreviousFireTimeUtc)).ToList();
            return new ScheduleList(items, true, "scheduler");
        }

        return new ScheduleList(await FromTablesAsync(cancellationToken), false, "job store tables");
    }

    /// <summary>Fires the trigger's job now, with the trigger's data (so a month-end trigger settles its region).</summary>
    public async Task<ActionOutcome?> TriggerNowAsync(string group, string name, Actor actor, CancellationToken cancellationToken)
    {
        ActionOutcome outcome;
        if (scheduler.Factory is not { } factory)
        {
            outcome = new ActionOutcome(false, "this process has no scheduler; use the dashboard of a `batchsettle worker` node");
        }
        else
        {
            var quartz = await factory.GetScheduler(cancellationToken);
            var trigger = await quartz.GetTrigger(new TriggerKey(name, group), cancellationToken);
            if (trigger is null)
            {
                return null;
            }

            var data = new JobDataMap(trigger.JobDataMap) { ["requestedBy"] = actor.RequestedBy };
            await quartz.TriggerJob(trigger.JobKey, data, cancellationToken);
            outcome = new ActionOutcome(true, $"{trigger.JobKey} fired now");
        }

        await store.AuditAsync(actor.Name, actor.Role, RunControl.TriggerScheduleAction, $"{group}.{name}", outcome, cancellationToken);
        return outcome;
    }

    private async Task<IReadOnlyList<ScheduleInfo>> FromTablesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var conn = await db.OpenConnectionAsync(cancellationToken);
            var rows = await conn.QueryAsync<(string TGroup, string TName, string JGroup, string JName, string? Description, string State, string? Cron, long? Next, long? Prev)>(
                new CommandDefinition(
                    """
                    SELECT t.trigger_group, t.trigger_name, t.job_group, t.job_name, t.description, t.trigger_state,
                           c.cron_expression, t.next_fire_time, t.prev_fire_time
                    FROM qrtz_triggers t
                    LEFT JOIN qrtz_cron_triggers c
                      ON c.sched_name = t.sched_name AND c.trigger_name = t.trigger_name AND c.trigger_group = t.trigger_group
                    ORDER BY t.trigger_group, t.trigger_name
                    """,
                    cancellationToken: cancellationToken));
            return [.. rows.Select(r => new ScheduleInfo(r.TGroup, r.TName, r.JGroup, r.JName, r.Description, r.State, r.Cron, Ticks(r.Next), Ticks(r.Prev)))];
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable)
        {
            return [];
        }
    }

    // Quartz.NET stores fire times as UTC ticks; <= 0 means none.
    private static DateTimeOffset? Ticks(long? ticks) => ticks is > 0 ? new DateTimeOffset(ticks.Value, TimeSpan.Zero) : null;
}
