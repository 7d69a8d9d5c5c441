using System.Net;
using System.Net.Http.Json;
using System.Text;
using BatchSettle.Jobs;
using Dapper;
using Npgsql;
using Xunit;

namespace BatchSettle.Dashboard.Tests;

/// <summary>
/// The API behind the session-4 pages: runs filtered by batch, region, month and state; a run's quarantine filtered by
/// reason and downloaded as CSV; a person's year with the accumulators after each claim; the explanation's fixes.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardUiApiTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Runs_FilteredByBatchRegionMonthAndState_ListOnlyMatchingRunsWithCountsUnderTheFilter()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await InsertRunsAsync(db,
        [
            ("210500-2025-01", "succeeded"), ("210800-2025-01", "failed"), ("210500-2025-02", "succeeded"),
            ("210800-2025-02", "succeeded"), ("210500-2025-02", "failed"),
        ]);
        await using var factory = new DashboardFactory(db);
        using var client = factory.ClientAs(DashboardFactory.Viewer);

        var yingkou = await RunsAsync(client, "admdvs=210800");
        var february = await RunsAsync(client, "month=2025-02");
        var benxiFebruaryFailed = await RunsAsync(client, "admdvs=210500&month=2025-02&status=failed");
        var byBatch = await RunsAsync(client, "batch=210500-2025-0");

        Assert.Equal(["210800-2025-02", "210800-2025-01"], yingkou.Items.Select(r => r.BatchId));
        Assert.Equal(1, yingkou.Counts.Single(c => c.Status == "failed").Count);
        Assert.Equal(1, yingkou.Counts.Single(c => c.Status == "succeeded").Count);
        Assert.Equal(3, february.Items.Count);
        Assert.All(february.Items, r => Assert.EndsWith("2025-02", r.BatchId, StringComparison.Ordinal));
        var only = Assert.Single(benxiFebruaryFailed.Items);
        Assert.Equal(("210500-2025-02", "failed"), (only.BatchId, only.Status));
        Assert.Equal(3, byBatch.Items.Count);
        Assert.Equal(["210500-2025-01", "210500-2025-02", "210800-2025-01", "210800-2025-02"], byBatch.Batches);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/dashboard/api/runs?month=2025-13")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/dashboard/api/runs?admdvs=2105")).StatusCode);
    }

    [Fact]
    public async Task SettledBatch_QuarantineByReasonAndCsv_PersonYear_AndExplanations()
    {
        await using var db = await fixture.NewLoadedDatabaseAsync(persons: 400, claims: 3_000);
        await using var factory = new DashboardFactory(db, chunkClaims: 500);
        using var client = factory.ClientAs(DashboardFactory.Operator);
        var outcome = await (await client.SendAsync(DashboardFactory.Action($"/dashboard/api/batches/{DashboardFixture.Benxi}/trigger")))
            .Content.ReadFromJsonAsync<ActionOutcome>();
        var runId = outcome!.RunId ?? (await client.GetFromJsonAsync<RunPage>("/dashboard/api/runs"))!.Items[0].RunId;
        var detail = await DashboardApiTests.WaitForEndAsync(client, runId);
        Assert.StartsWith("succeeded", detail.Live.Run.Status, StringComparison.Ordinal);
        await using var conn = await db.OpenConnectionAsync();

        // Quarantine: every reason counted; one reason's page holds only that reason.
        var all = (await client.GetFromJsonAsync<QuarantinePage>($"/dashboard/api/runs/{runId}/quarantine?limit=500"))!;
        Assert.True(all.Total > 0, "the generator plants bad rows");
        Assert.Equal(all.Total, all.Reasons.Sum(r => r.Count));
        var reason = all.Reasons[0];
        var one = (await client.GetFromJsonAsync<QuarantinePage>(
            $"/dashboard/api/runs/{runId}/quarantine?limit=500&reason={Uri.EscapeDataString(reason.Reason)}"))!;
        Assert.Equal(reason.Count, one.Total);
        Assert.Equal(reason.Count, one.Items.Count);
        Assert.All(one.Items, i => Assert.Equal(reason.Reason, i.Reason));

        // The CSV download: an attachment, UTF-8 with a BOM, the header, then one line per quarantined claim.
        var csv = await client.GetAsync($"/dashboard/api/runs/{runId}/quarantine.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"quarantine-run-{runId}.csv", csv.Content.Headers.ContentDisposition!.FileName);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(DashboardStore.QuarantineCsvHeader, lines[0]);
        Assert.Equal(all.Total, lines.Length - 1);
        Assert.Equal(all.Items.Select(i => i.QuarantineId), lines.Skip(1).Select(l => long.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)));
        var filtered = await client.GetStringAsync($"/dashboard/api/runs/{runId}/quarantine.csv?reason={Uri.EscapeDataString(reason.Reason)}");
        Assert.Equal(reason.Count, filtered.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard/api/runs/999999/quarantine.csv")).StatusCode);

        // A person's year: every result of the person in settlement order, and the running sum of the stored deltas
        // ends on the stored accumulator.
        var (psnNo, year, results) = await conn.QueryFirstAsync<(string, int, long)>(
            """
            SELECT psn_no, year, count(*) FROM settlement_result WHERE run_id = @runId AND status = 'settled'
            GROUP BY psn_no, year ORDER BY count(*) DESC, psn_no LIMIT 1
            """, new { runId });
        var person = (await client.GetFromJsonAsync<PersonYear>($"/dashboard/api/persons/{psnNo}/{year}"))!;
        Assert.Equal((psnNo, year), (person.PsnNo, person.Year));
        Assert.True(person.Claims.Count >= results);
        Assert.Equal(person.Claims.Select(c => c.EndDate), person.Claims.Select(c => c.EndDate).Order());
        Assert.Equal(
            await conn.ExecuteScalarAsync<long>("SELECT sum(hifp_pay)::bigint FROM settlement_result WHERE psn_no = @psnNo AND year = @year", new { psnNo, year }),
            person.Claims.Sum(c => c.HifpPay));
        Assert.NotNull(person.Stored);
        Assert.True(person.Agrees);
        Assert.Equal(person.Stored, person.Claims.Last(c => c.AccAfter is not null).AccAfter);
        Assert.Contains(person.Slots, s => s is { Name: "local_admissions", Money: false });
        Assert.NotEmpty(person.Registry);
        var latest = (await client.GetFromJsonAsync<PersonYear>($"/dashboard/api/persons/{psnNo}"))!;
        Assert.Equal(person.Years[^1], latest.Year);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard/api/persons/no-such-person")).StatusCode);

        // Explanations: a settled claim names its service start beside the benefit start, and its parameters' notes;
        // the explanation links to the person.
        var setlId = person.Claims.First(c => c.Status == "settled").SetlId;
        var settled = (await client.GetFromJsonAsync<Explanation>($"/dashboard/api/settlements/{setlId}"))!;
        Assert.Contains("; service start (begndate) 2025-", settled.Text, StringComparison.Ordinal);
        Assert.Contains("\n        note: ", settled.Text, StringComparison.Ordinal);
        Assert.Equal((psnNo, (int?)year), (settled.PsnNo, settled.Year));

        // A quarantined claim shows no amounts at all (its amount columns are defaults, not results).
        var quarantinedId = await conn.ExecuteScalarAsync<string>(
            "SELECT setl_id FROM settlement_result WHERE run_id = @runId AND status = 'quarantined' AND claim_seq > 0 ORDER BY setl_id LIMIT 1", new { runId });
        var quarantined = (await client.GetFromJsonAsync<Explanation>($"/dashboard/api/settlements/{quarantinedId}"))!;
        Assert.Contains("no amounts", quarantined.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("fund_pay_sumamt", quarantined.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("psn_part_amt", quarantined.Text, StringComparison.Ordinal);
    }

    private static async Task<RunPage> RunsAsync(HttpClient client, string query) =>
        (await client.GetFromJsonAsync<RunPage>("/dashboard/api/runs?" + query))!;

    private static async Task InsertRunsAsync(NpgsqlDataSource db, (string Batch, string Status)[] runs)
    {
        await using var conn = await db.OpenConnectionAsync();
        foreach (var (batch, status) in runs)
        {
            await conn.ExecuteAsync(
                """
                INSERT INTO run (batch_id, status, partitions, requested_by, created_at, started_at, finished_at, claims_total)
                VALUES (@batch, @status, 1, 'test', now(), now(), now(), 10)
                """,
                new { batch, status });
        }
    }
}
