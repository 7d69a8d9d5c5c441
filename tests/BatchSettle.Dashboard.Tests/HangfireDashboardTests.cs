using System.Net;
using System.Text.RegularExpressions;
using BatchSettle.Dashboard;
using BatchSettle.Jobs;
using Dapper;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit;

namespace BatchSettle.Dashboard.Tests;

/// <summary>
/// Hangfire's dashboard at /hangfire on the settlement site: same users and roles, viewers read only, operators act
/// with an antiforgery token, every action audited, no connection string shown, menus both ways.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed partial class HangfireDashboardTests(DashboardFixture fixture)
{
    [Fact]
    public async Task HangfireDashboard_SameLoginAndRoles_ViewerReadOnly_NoConnectionString_MenuLeadsToSettlementPages()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var factory = new DashboardFactory(db);
        await DeclareSchedulesAsync(factory);

        using var anonymous = factory.ClientAs(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/hangfire/recurring")).StatusCode);

        using var viewer = factory.ClientAs(DashboardFactory.Viewer);
        var viewerPage = await viewer.GetStringAsync("/hangfire/recurring");
        Assert.Contains("month-end:210500", viewerPage, StringComparison.Ordinal);
        Assert.DoesNotContain("js-jobs-list-command", viewerPage, StringComparison.Ordinal);

        using var op = factory.ClientAs(DashboardFactory.Operator);
        var operatorPage = await op.GetStringAsync("/hangfire/recurring");
        Assert.Contains("js-jobs-list-command", operatorPage, StringComparison.Ordinal);
        Assert.Contains("href=\"/dashboard/#/runs\"", operatorPage, StringComparison.Ordinal);
        var servers = await op.GetStringAsync("/hangfire/servers");
        var csb = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        foreach (var page in new[] { operatorPage, servers, await op.GetStringAsync("/hangfire/") })
        {
            Assert.DoesNotContain($"Port={csb.Port}", page, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(csb.Database!, page, StringComparison.Ordinal);
        }

        // Our pages lead to Hangfire's.
        Assert.Contains("href=\"/hangfire/recurring\"", await op.GetStringAsync("/dashboard/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TriggerNow_OperatorWithToken_Accepted_WithoutToken_Or_AsViewer_Refused_AllAudited()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var factory = new DashboardFactory(db);
        await DeclareSchedulesAsync(factory);
        var monitoring = factory.Services.GetRequiredService<JobStorage>().GetMonitoringApi();

        using var op = factory.ClientAs(DashboardFactory.Operator);
        var noToken = await op.PostAsync("/hangfire/recurring/trigger", Form("month-end:210500"));
        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        Assert.Equal(0, monitoring.EnqueuedCount(HangfireStorage.ControlQueue));

        using var viewer = factory.ClientAs(DashboardFactory.Viewer);
        var (viewerHeader, viewerToken) = Token(await viewer.GetStringAsync("/hangfire/recurring"));
        var asViewer = new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/trigger") { Content = Form("month-end:210500") };
        asViewer.Headers.Add(viewerHeader, viewerToken);
        Assert.False((await viewer.SendAsync(asViewer)).IsSuccessStatusCode);
        Assert.Equal(0, monitoring.EnqueuedCount(HangfireStorage.ControlQueue));

        var (header, token) = Token(await op.GetStringAsync("/hangfire/recurring"));
        var trigger = new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/trigger") { Content = Form("month-end:210500") };
        trigger.Headers.Add(header, token);
        Assert.True((await op.SendAsync(trigger)).IsSuccessStatusCode);
        Assert.Equal(1, monitoring.EnqueuedCount(HangfireStorage.ControlQueue));

        await using var conn = await db.OpenConnectionAsync();
        var audit = (await conn.QueryAsync<(string Actor, string Action, string Target, string Outcome)>(
            "SELECT actor, action, target, outcome FROM audit_action ORDER BY audit_id")).ToList();
        Assert.Equal(
        [
            (DashboardFactory.Operator, "hangfire:recurring/trigger", "month-end:210500", "refused"),
            (DashboardFactory.Viewer, "hangfire:recurring/trigger", "month-end:210500", "refused"),
            (DashboardFactory.Operator, "hangfire:recurring/trigger", "month-end:210500", "accepted"),
        ], audit);
    }

    internal static async Task DeclareSchedulesAsync(DashboardFactory factory)
    {
        var storage = factory.Services.GetRequiredService<JobStorage>();
        var manager = new RecurringJobManager(storage, Hangfire.Common.JobFilterProviders.Providers, new RegionTimeZoneResolver());
        await new RecurringSchedules(manager, Options.Create(new WorkerOptions()), NullLogger<RecurringSchedules>.Instance).StartAsync(CancellationToken.None);
    }

    private static FormUrlEncodedContent Form(string jobId) => new([new("jobs[]", jobId)]);

    private static (string Header, string Token) Token(string page) =>
        (CsrfHeader().Match(page).Groups[1].Value, CsrfToken().Match(page).Groups[1].Value);

    [GeneratedRegex("<meta name=\"csrf-header\" content=\"([^\"]+)\"")]
    private static partial Regex CsrfHeader();

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\"")]
    private static partial Regex CsrfToken();
}
