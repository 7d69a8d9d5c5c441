using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BatchSettle.Dashboard;

/// <summary>
/// The dashboard's JSON API under <c>/dashboard/api</c>: every read needs the viewer role (an operator is a viewer
/// too); every action needs the operator role, a POST, and passes the <see cref="SameOriginFilter"/>.
/// </summary>
internal static partial class DashboardApi
{
    public const string ApiPath = DashboardEndpoints.BasePath + "/api";

    /// <summary>Samples of throughput history returned with a run's page.</summary>
    private const int SampleLimit = 1_800;

    public static RouteGroupBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiPath).RequireAuthorization(DashboardRoles.ViewPolicy).WithTags("Dashboard");
        api.MapGet("/me", GetMe);
        api.MapGet("/overview", GetOverview);
        api.MapGet("/live", StreamOverview);
        api.MapGet("/runs", GetRuns);
        api.MapGet("/runs/{runId:long}", GetRun);
        api.MapGet("/runs/{runId:long}/live", StreamRun);
        api.MapGet("/runs/{runId:long}/quarantine", GetQuarantine);
        api.MapGet("/audit", GetAudit);
        api.MapGet("/settlements/{setlId}", GetSettlement);
        MapSimulations(api);

        var act = api.MapGroup("").RequireAuthorization(DashboardRoles.ActPolicy).AddEndpointFilter<SameOriginFilter>();
        act.MapPost("/batches/{batchId}/trigger", TriggerBatch);
        act.MapPost("/runs/{runId:long}/retry", RetryRun);
        act.MapPost("/runs/{runId:long}/cancel", CancelRun);
        return api;
    }

    private static Ok<Me> GetMe(ClaimsPrincipal user)
    {
        var actor = Actor.From(user);
        return TypedResults.Ok(new Me(actor.Name, actor.Role, actor.Role == DashboardRoles.Operator));
    }

    private static async Task<Ok<Overview>> GetOverview(DashboardStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await OverviewAsync(store, cancellationToken));

    private static async Task<Results<Ok<RunPage>, BadRequest<string>>> GetRuns(
        DashboardStore store, IOptions<DashboardOptions> options, CancellationToken cancellationToken,
        string? status = null, long? after = null, int? limit = null)
    {
        if (status is not null && !RunStates.All.Contains(status))
        {
            return TypedResults.BadRequest($"unknown status '{status}'; one of {string.Join(", ", RunStates.All)}");
        }

        return TypedResults.Ok(await store.RunsAsync(status, after, PageSize(options.Value, limit), cancellationToken));
    }

    private static async Task<Results<Ok<RunDetail>, NotFound>> GetRun(long runId, DashboardStore store, CancellationToken cancellationToken)
    {
        var live = await RunLiveAsync(store, runId, cancellationToken);
        if (live is null)
        {
            return TypedResults.NotFound();
        }

        var samples = await store.SamplesAsync(runId, SampleLimit, cancellationToken);
        var (funds, reconciliation) = await store.BooksAsync(runId, live.Run.Status, cancellationToken);
        return TypedResults.Ok(new RunDetail(live, samples, funds, reconciliation));
    }

    private static async Task<Results<Ok<QuarantinePage>, NotFound>> GetQuarantine(
        long runId, DashboardStore store, IOptions<DashboardOptions> options, CancellationToken cancellationToken,
        long? after = null, int? limit = null)
    {
        if (await store.RunAsync(runId, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(await store.QuarantineAsync(runId, after, PageSize(options.Value, limit), cancellationToken));
    }

    private static async Task<Ok<AuditPage>> GetAudit(
        DashboardStore store, IOptions<DashboardOptions> options, CancellationToken cancellationToken, long? after = null, int? limit = null) =>
        TypedResults.Ok(await store.AuditTrailAsync(after, PageSize(options.Value, limit), cancellationToken));

    private static async Task<Results<Ok<Explanation>, NotFound>> GetSettlement(
        string setlId, SettlementExplainer explainer, CancellationToken cancellationToken) =>
        await explainer.ExplainAsync(setlId, cancellationToken) is { } explanation
            ? TypedResults.Ok(explanation)
            : TypedResults.NotFound();

    private static async Task<Results<Ok<ActionOutcome>, Conflict<ActionOutcome>>> TriggerBatch(
        string batchId, RunControl control, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        Decide(await control.TriggerBatchAsync(batchId, Actor.From(user), cancellationToken));

    private static async Task<Results<Ok<ActionOutcome>, Conflict<ActionOutcome>, NotFound>> RetryRun(
        long runId, RunControl control, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        DecideOrNotFound(await control.RetryRunAsync(runId, Actor.From(user), cancellationToken));

    private static async Task<Results<Ok<ActionOutcome>, Conflict<ActionOutcome>, NotFound>> CancelRun(
        long runId, RunControl control, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        DecideOrNotFound(await control.CancelRunAsync(runId, Actor.From(user), cancellationToken));

    private static Results<Ok<ActionOutcome>, Conflict<ActionOutcome>> Decide(ActionOutcome outcome) =>
        outcome.Accepted ? TypedResults.Ok(outcome) : TypedResults.Conflict(outcome);

    private static Results<Ok<ActionOutcome>, Conflict<ActionOutcome>, NotFound> DecideOrNotFound(ActionOutcome? outcome) =>
        outcome is null ? TypedResults.NotFound() : outcome.Accepted ? TypedResults.Ok(outcome) : TypedResults.Conflict(outcome);

    private static int PageSize(DashboardOptions options, int? limit) =>
        Math.Clamp(limit ?? options.PageSize, 1, Math.Max(1, options.PageSize * 4));
}
