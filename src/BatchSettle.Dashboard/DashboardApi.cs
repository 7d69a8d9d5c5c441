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
        api.MapGet("/database", GetDatabase);
        api.MapGet("/overview", GetOverview);
        api.MapGet("/live", StreamOverview);
        api.MapGet("/runs", GetRuns);
        api.MapGet("/runs/{runId:long}", GetRun);
        api.MapGet("/runs/{runId:long}/live", StreamRun);
        api.MapGet("/runs/{runId:long}/quarantine", GetQuarantine);
        api.MapGet("/runs/{runId:long}/quarantine.csv", GetQuarantineCsv);
        api.MapGet("/persons/{psnNo}", GetPersonYear);
        api.MapGet("/persons/{psnNo}/{year:int}", GetPersonYear);
        api.MapGet("/audit", GetAudit);
        // Any character is a valid setl_id (CONTRACT.md: text): a catch-all route, the id read from the raw target.
        api.MapGet("/settlements/{**setlId}", GetSettlement);
        MapSimulations(api);

        var act = api.MapGroup("").RequireAuthorization(DashboardRoles.ActPolicy).AddEndpointFilter<SameOriginFilter>();
        act.MapPost("/batches/{batchId}/trigger", TriggerBatch);
        act.MapPost("/runs/{runId:long}/retry", RetryRun);
        act.MapPost("/runs/{runId:long}/cancel", CancelRun);
        api.MapFinanceApi();
        act.MapPost("/runs/{runId:long}/resume", ResumeRun);
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
        string? status = null, long? after = null, int? limit = null, string? batch = null, string? admdvs = null, string? month = null)
    {
        if (status is not null && !RunStates.All.Contains(status))
        {
            return TypedResults.BadRequest($"unknown status '{status}'; one of {string.Join(", ", RunStates.All)}");
        }

        if (admdvs is { Length: > 0 } && !IsDigits(admdvs, 6))
        {
            return TypedResults.BadRequest($"admdvs '{admdvs}' is not a 6-digit region code (e.g. 210500)");
        }

        if (month is { Length: > 0 } && !IsMonth(month))
        {
            return TypedResults.BadRequest($"month '{month}' is not YYYY-MM");
        }

        var filter = new RunFilter(status, Blank(batch), Blank(admdvs), Blank(month));
        return TypedResults.Ok(await store.RunsAsync(filter, after, PageSize(options.Value, limit), cancellationToken));
    }

    private static async Task<Results<Ok<RunDetail>, NotFound>> GetRun(
        long runId, DashboardStore store, Npgsql.NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var live = await RunLiveAsync(store, runId, cancellationToken);
        if (live is null)
        {
            return TypedResults.NotFound();
        }

        var samples = await store.SamplesAsync(runId, SampleLimit, cancellationToken);
        var (funds, reconciliation) = await store.BooksAsync(runId, live.Run.Status, cancellationToken);
        // Why claims were not simply settled, counted (the same as the CLI's run summary and --json).
        var breakdown = await BatchSettle.Data.Runs.RunBreakdown.ForRunAsync(db, runId, cancellationToken);
        return TypedResults.Ok(new RunDetail(live, samples, funds, reconciliation, breakdown));
    }

    private static async Task<Results<Ok<QuarantinePage>, NotFound>> GetQuarantine(
        long runId, DashboardStore store, IOptions<DashboardOptions> options, CancellationToken cancellationToken,
        long? after = null, int? limit = null, string? reason = null)
    {
        if (await store.RunAsync(runId, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(await store.QuarantineAsync(runId, after, PageSize(options.Value, limit), cancellationToken, Blank(reason)));
    }

    /// <summary>The run's quarantined claims as a CSV download (all of them, or one reason's).</summary>
    private static async Task<Results<PushStreamHttpResult, NotFound>> GetQuarantineCsv(
        long runId, DashboardStore store, CancellationToken cancellationToken, string? reason = null)
    {
        if (await store.RunAsync(runId, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"quarantine-run-{runId}.csv");
        return TypedResults.Stream(
            body => store.WriteQuarantineCsvAsync(runId, Blank(reason), body, cancellationToken),
            "text/csv; charset=utf-8", name);
    }

    /// <summary>A person's year (the latest year with a result when none is named).</summary>
    private static async Task<Results<Ok<PersonYear>, NotFound>> GetPersonYear(
        string psnNo, DashboardStore store, CancellationToken cancellationToken, int? year = null) =>
        await store.PersonYearAsync(psnNo, year, cancellationToken) is { } person ? TypedResults.Ok(person) : TypedResults.NotFound();

    private static async Task<Ok<AuditPage>> GetAudit(
        DashboardStore store, IOptions<DashboardOptions> options, CancellationToken cancellationToken, long? after = null, int? limit = null) =>
        TypedResults.Ok(await store.AuditTrailAsync(after, PageSize(options.Value, limit), cancellationToken));

    private static async Task<Results<Ok<Explanation>, NotFound<NotFoundError>>> GetSettlement(
        HttpContext http, SettlementExplainer explainer, CancellationToken cancellationToken)
    {
        var setlId = SettlementIdFromTarget(http);
        return await explainer.ExplainAsync(setlId, cancellationToken) is { } explanation
            ? TypedResults.Ok(explanation)
            : TypedResults.NotFound(new NotFoundError($"no settlement with setl_id '{setlId}'"));
    }

    /// <summary>
    /// The setl_id as the client escaped it: the raw request target after <c>/settlements/</c>, unescaped once.
    /// (The routed value is already decoded except <c>%2F</c>, so a second decode would change an id holding '%'.)
    /// </summary>
    internal static string SettlementIdFromTarget(HttpContext http)
    {
        var raw = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "";
        int q = raw.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0) raw = raw[..q];
        const string marker = "/settlements/";
        int at = raw.IndexOf(marker, StringComparison.Ordinal);
        return Uri.UnescapeDataString(at >= 0 ? raw[(at + marker.Length)..] : raw);
    }

    private static async Task<Results<Ok<ActionOutcome>, Conflict<ActionOutcome>>> TriggerBatch(
        string batchId, RunControl control, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        Decide(await control.TriggerBatchAsync(batchId, Actor.From(user), cancellationToken));

    private static async Task<Results<Ok<ActionOutcome>, Conflict<ActionOutcome>, NotFound>> RetryRun(
        long runId, RunControl control, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        DecideOrNotFound(await control.RetryRunAsync(runId, Actor.From(user), cancellationToken));

    private static async Task<Results<Ok<ActionOutcome>, Conflict<ActionOutcome>, NotFound>> CancelRun(
        long runId, RunControl control, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        DecideOrNotFound(await control.CancelRunAsync(runId, Actor.From(user), cancellationToken));

    private static async Task<Results<Ok<ActionOutcome>, Conflict<ActionOutcome>, NotFound>> ResumeRun(
        long runId, RunControl control, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        DecideOrNotFound(await control.ResumeRunAsync(runId, Actor.From(user), cancellationToken));

    /// <summary>Whether the database answers: 200 <c>{"reachable":true}</c>, or 503 with the error (the middleware).</summary>
    private static async Task<Ok<DatabaseStatus>> GetDatabase(DashboardStore store, CancellationToken cancellationToken)
    {
        await store.PingAsync(cancellationToken);
        return TypedResults.Ok(new DatabaseStatus(true, null, store.Clock.GetUtcNow()));
    }

    private static Results<Ok<ActionOutcome>, Conflict<ActionOutcome>> Decide(ActionOutcome outcome) =>
        outcome.Accepted ? TypedResults.Ok(outcome) : TypedResults.Conflict(outcome);

    private static Results<Ok<ActionOutcome>, Conflict<ActionOutcome>, NotFound> DecideOrNotFound(ActionOutcome? outcome) =>
        outcome is null ? TypedResults.NotFound() : outcome.Accepted ? TypedResults.Ok(outcome) : TypedResults.Conflict(outcome);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsDigits(string value, int length) => value.Length == length && value.All(char.IsAsciiDigit);

    private static bool IsMonth(string value) =>
        value.Length == 7 && value[4] == '-' && IsDigits(value[..4], 4) && IsDigits(value[5..], 2)
        && int.Parse(value[5..], System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 12;

    private static int PageSize(DashboardOptions options, int? limit) =>
        Math.Clamp(limit ?? options.PageSize, 1, Math.Max(1, options.PageSize * 4));
}

/// <summary>A 404's body: what was asked for and not found.</summary>
public sealed record NotFoundError(string Error);
