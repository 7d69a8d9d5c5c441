using System.Net;
using System.Net.Http.Json;
using BatchSettle.Jobs;
using Dapper;
using Npgsql;
using Xunit;

namespace BatchSettle.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class DashboardApiTests(DashboardFixture fixture)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Api_NoCredentials_Returns401WithBasicChallenge()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var factory = new DashboardFactory(db);
        using var client = factory.ClientAs(null);

        var response = await client.GetAsync("/dashboard/api/runs");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_WrongPassword_Returns401()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var factory = new DashboardFactory(db);
        using var client = factory.ClientAs(null);
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("op:wrong"u8.ToArray()));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/dashboard/api/me")).StatusCode);
    }

    [Fact]
    public async Task Me_Viewer_CannotAct()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var factory = new DashboardFactory(db);
        using var client = factory.ClientAs(DashboardFactory.Viewer);

        var me = await client.GetFromJsonAsync<Me>("/dashboard/api/me");

        Assert.Equal(new Me(DashboardFactory.Viewer, DashboardRoles.Viewer, false), me);
    }

    [Fact]
    public async Task Runs_ManyRuns_PagesByKeysetNewestFirstWithCountsPerState()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await InsertRunsAsync(db, ["succeeded", "failed", "succeeded", "running", "succeeded", "failed", "succeeded"]);
        await using var factory = new DashboardFactory(db);
        using var client = factory.ClientAs(DashboardFactory.Viewer);

        var seen = new List<long>();
        long? after = null;
        do
        {
            var page = await client.GetFromJsonAsync<RunPage>($"/dashboard/api/runs?limit=3{(after is null ? "" : $"&after={after}")}");
            Assert.NotNull(page);
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(r => r.RunId));
            Assert.Equal(4, page.Counts.Single(c => c.Status == "succeeded").Count);
            Assert.Equal(2, page.Counts.Single(c => c.Status == "failed").Count);
            after = page.NextAfter;
        }
        while (after is not null);

        Assert.Equal(7, seen.Count);
        Assert.Equal(seen.OrderByDescending(id => id), seen);

        var failed = await client.GetFromJsonAsync<RunPage>("/dashboard/api/runs?status=failed");
        Assert.All(failed!.Items, r => Assert.Equal("failed", r.Status));
        Assert.Equal(2, failed.Items.Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/dashboard/api/runs?status=bogus")).StatusCode);
    }

    [Fact]
    public async Task Cancel_Viewer_Returns403_ChangesNothing_AuditsTheRefusal()
    {
        await using var db = await fixture.NewDatabaseAsync();
        var runId = (await InsertRunsAsync(db, ["running"]))[0];
        await using var factory = new DashboardFactory(db);
        using var client = factory.ClientAs(DashboardFactory.Viewer);

        var response = await client.SendAsync(DashboardFactory.Action($"/dashboard/api/runs/{runId}/cancel"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        // The refusal is in the audit trail (issue 12: refused actions audited); nothing else changed.
        Assert.Equal(1, await CountAsync(db, "SELECT count(*) FROM audit_action WHERE action = 'refused_request' AND outcome = 'refused' AND actor = 'view'"));
        Assert.Equal(1, await CountAsync(db, "SELECT count(*) FROM audit_action"));
        Assert.Equal(0, await CountAsync(db, "SELECT count(*) FROM run_cancel_request"));
    }

    [Fact]
    public async Task Cancel_OperatorWithoutActionHeader_Returns403()
    {
        await using var db = await fixture.NewDatabaseAsync();
        var runId = (await InsertRunsAsync(db, ["running"]))[0];
        await using var factory = new DashboardFactory(db);
        using var client = factory.ClientAs(DashboardFactory.Operator);

        var response = await client.SendAsync(DashboardFactory.Action($"/dashboard/api/runs/{runId}/cancel", header: false));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await CountAsync(db, "SELECT count(*) FROM run_cancel_request"));
    }

    [Fact]
    public async Task Cancel_OperatorFromAnotherOrigin_Returns403()
    {
        await using var db = await fixture.NewDatabaseAsync();
        var runId = (await InsertRunsAsync(db, ["running"]))[0];
        await using var factory = new DashboardFactory(db);
        using var client = factory.ClientAs(DashboardFactory.Operator);

        var response = await client.SendAsync(DashboardFactory.Action($"/dashboard/api/runs/{runId}/cancel", origin: "https://evil.example"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Cancel_OperatorOnRunningRun_RecordsRequestAndAuditsWhoAndWhen()
    {
        await using var db = await fixture.NewDatabaseAsync();
        var runId = (await InsertRunsAsync(db, ["running"]))[0];
        await using var factory = new DashboardFactory(db);
        using var client = factory.ClientAs(DashboardFactory.Operator);

        var response = await client.SendAsync(DashboardFactory.Action($"/dashboard/api/runs/{runId}/cancel"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var audit = await client.GetFromJsonAsync<AuditPage>("/dashboard/api/audit");
        var entry = Assert.Single(audit!.Items);
        Assert.Equal((DashboardFactory.Operator, DashboardRoles.Operator, "cancel_run", runId.ToString(System.Globalization.CultureInfo.InvariantCulture), "accepted"),
            (entry.Actor, entry.Role, entry.Action, entry.Target, entry.Outcome));
        Assert.InRange(entry.At, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(1, await CountAsync(db, $"SELECT count(*) FROM run_cancel_request WHERE run_id = {runId} AND requested_by = 'op'"));
        var live = await client.GetFromJsonAsync<RunDetail>($"/dashboard/api/runs/{runId}");
        Assert.True(live!.Live.CancelRequested);
    }

    [Fact]
    public async Task Retry_SucceededRun_IsRefusedAndAudited()
    {
        await using var db = await fixture.NewDatabaseAsync();
        var runId = (await InsertRunsAsync(db, ["succeeded"]))[0];
        await using var factory = new DashboardFactory(db);
        using var client = factory.ClientAs(DashboardFactory.Operator);

        var response = await client.SendAsync(DashboardFactory.Action($"/dashboard/api/runs/{runId}/retry"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(1, await CountAsync(db, "SELECT count(*) FROM audit_action WHERE outcome = 'refused' AND action = 'retry_run'"));
    }

    [Fact]
    public async Task Audit_Rows_CannotBeChanged()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync("INSERT INTO audit_action (at, actor, role, action, target, outcome) VALUES (now(), 'op', 'operator', 'x', 'y', 'accepted')");

        await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync("UPDATE audit_action SET actor = 'someone else'"));
        await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync("DELETE FROM audit_action"));
    }

    [Fact]
    public async Task TriggerBatch_Operator_SettlesTheBatchAndTheRunPageShowsBooksQuarantineAndExplanations()
    {
        await using var db = await fixture.NewLoadedDatabaseAsync(persons: 400, claims: 2_000);
        await using var factory = new DashboardFactory(db, chunkClaims: 200);
        using var client = factory.ClientAs(DashboardFactory.Operator);

        var response = await client.SendAsync(DashboardFactory.Action($"/dashboard/api/batches/{DashboardFixture.Benxi}/trigger"));
        var outcome = await response.Content.ReadFromJsonAsync<ActionOutcome>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(outcome!.Accepted, outcome.Message);
        var runId = outcome.RunId ?? (await client.GetFromJsonAsync<RunPage>("/dashboard/api/runs"))!.Items[0].RunId;
        var detail = await WaitForEndAsync(client, runId);

        var run = detail.Live.Run;
        Assert.StartsWith("succeeded", run.Status, StringComparison.Ordinal);
        Assert.Equal(run.ClaimsTotal, run.ClaimsDone);
        Assert.Equal(4, detail.Live.Partitions.Count);
        Assert.All(detail.Live.Partitions, p => Assert.Equal(("succeeded", p.ClaimsTotal), (p.Status, p.ClaimsDone)));
        Assert.Equal("balanced", detail.Reconciliation.Status);
        Assert.Equal(detail.Reconciliation.LedgerDebit, detail.Reconciliation.LedgerCredit);
        Assert.NotEmpty(detail.Funds);
        Assert.Equal(detail.Reconciliation.ResultsFundPay, detail.Funds.Sum(f => f.Fen));
        Assert.Equal("dashboard:op", run.RequestedBy);
        // The breakdown (issue 13 item 5): the reasons add up to the run's counters; the generator's Yingkou/Benxi
        // employees settle with assumed parameters, each named with its rule.
        Assert.Equal(run.Rejected, detail.Breakdown.Rejected.Sum(r => r.Count));
        Assert.Equal(run.Quarantined, detail.Breakdown.Quarantined.Sum(r => r.Count));
        Assert.All(detail.Breakdown.Assumed, a => Assert.False(string.IsNullOrEmpty(a.RuleId)));

        // Quarantine: the generator plants bad rows; the run page pages through them by keyset.
        var quarantine = await client.GetFromJsonAsync<QuarantinePage>($"/dashboard/api/runs/{runId}/quarantine?limit=2");
        Assert.Equal(run.Quarantined > 0, quarantine!.Total > 0);
        if (quarantine.Total > 2)
        {
            var next = await client.GetFromJsonAsync<QuarantinePage>($"/dashboard/api/runs/{runId}/quarantine?limit=2&after={quarantine.NextAfter}");
            Assert.True(next!.Items[0].QuarantineId > quarantine.Items[^1].QuarantineId);
        }

        // A settlement explained with its calculation (the data layer's ExplainQuery over Core's Explainer).
        await using var conn = await db.OpenConnectionAsync();
        var setlId = await conn.ExecuteScalarAsync<string>(
            "SELECT setl_id FROM settlement_result WHERE run_id = @runId AND status = 'settled' ORDER BY setl_id LIMIT 1", new { runId });
        var explanation = await client.GetFromJsonAsync<Explanation>($"/dashboard/api/settlements/{setlId}");
        Assert.Contains(setlId!, explanation!.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard/api/settlements/no-such-claim")).StatusCode);
        // Any character of a setl_id reaches the explainer as it is (issue 12 item 4): '/', '?', '#', '%', a space, Chinese.
        const string odd = "BX/2025 03?x=1#y%41 住院";
        var missing = await client.GetAsync("/dashboard/api/settlements/" + Uri.EscapeDataString(odd));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal($"no settlement with setl_id '{odd}'", (await missing.Content.ReadFromJsonAsync<NotFoundError>())!.Error);

        // Throughput samples were taken while it ran, and the action is in the audit trail.
        Assert.True(await CountAsync(db, $"SELECT count(*) FROM run_progress_sample WHERE run_id = {runId}") > 0);
        Assert.Equal(1, await CountAsync(db, $"SELECT count(*) FROM audit_action WHERE action = 'trigger_batch' AND actor = 'op' AND target = '{DashboardFixture.Benxi}'"));

        // Triggering a settled batch again changes nothing and says so.
        var again = await (await client.SendAsync(DashboardFactory.Action($"/dashboard/api/batches/{DashboardFixture.Benxi}/trigger")))
            .Content.ReadFromJsonAsync<ActionOutcome>();
        Assert.Contains("nothing to do", again!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelThenRetry_RunningBatch_StopsAtAChunkThenResumesToTheEnd()
    {
        await using var db = await fixture.NewLoadedDatabaseAsync(persons: 1_000, claims: 6_000);
        await using var factory = new DashboardFactory(db, chunkClaims: 50);
        using var client = factory.ClientAs(DashboardFactory.Operator);

        var outcome = await (await client.SendAsync(DashboardFactory.Action($"/dashboard/api/batches/{DashboardFixture.Benxi}/trigger")))
            .Content.ReadFromJsonAsync<ActionOutcome>();
        var runId = outcome!.RunId!.Value;
        var cancel = await client.SendAsync(DashboardFactory.Action($"/dashboard/api/runs/{runId}/cancel"));
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);

        var stopped = await WaitForEndAsync(client, runId);
        Assert.Equal("cancelled", stopped.Live.Run.Status);
        Assert.True(stopped.Live.Run.ClaimsDone < stopped.Live.Run.ClaimsTotal);

        var retry = await client.SendAsync(DashboardFactory.Action($"/dashboard/api/runs/{runId}/retry"));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var finished = await WaitForEndAsync(client, runId);
        Assert.StartsWith("succeeded", finished.Live.Run.Status, StringComparison.Ordinal);
        Assert.Equal(finished.Live.Run.ClaimsTotal, finished.Live.Run.ClaimsDone);
        Assert.Equal("balanced", finished.Reconciliation.Status);
    }

    [Fact]
    public async Task Page_Index_IsServedFromTheAssemblyWithAStrictContentSecurityPolicy()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var factory = new DashboardFactory(db);
        using var client = factory.ClientAs(DashboardFactory.Viewer);

        var index = await client.GetAsync("/dashboard/");
        var script = await client.GetAsync("/dashboard/app.js");

        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Contains("default-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await index.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"app.js\">", html, StringComparison.Ordinal);
        // The translations load before the app that reads them.
        Assert.True(html.IndexOf("<script src=\"i18n.js\">", StringComparison.Ordinal) is >= 0 and var i && i < html.IndexOf("<script src=\"app.js\">", StringComparison.Ordinal));
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard/nope.js")).StatusCode);
    }

    internal static async Task<RunDetail> WaitForEndAsync(HttpClient client, long runId)
    {
        var deadline = DateTime.UtcNow + RunTimeout;
        while (true)
        {
            var detail = await client.GetFromJsonAsync<RunDetail>($"/dashboard/api/runs/{runId}");
            if (detail is not null && detail.Live.Run.Status is not ("running" or "queued"))
            {
                return detail;
            }

            Assert.True(DateTime.UtcNow < deadline, $"run {runId} did not end within {RunTimeout}");
            await Task.Delay(200);
        }
    }

    private static async Task<long[]> InsertRunsAsync(NpgsqlDataSource db, string[] statuses)
    {
        await using var conn = await db.OpenConnectionAsync();
        var ids = new List<long>();
        for (var i = 0; i < statuses.Length; i++)
        {
            ids.Add(await conn.ExecuteScalarAsync<long>(
                """
                INSERT INTO run (batch_id, status, partitions, requested_by, created_at, started_at, finished_at, claims_total)
                VALUES (@batch, @status, 1, 'test', now(), now(), CASE WHEN @status = 'running' THEN NULL ELSE now() END, 10)
                RETURNING run_id
                """,
                new { batch = $"210500-2024-{i + 1:D2}", status = statuses[i] }));
        }

        return [.. ids];
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>(sql);
    }
}
