using System.Globalization;
using System.Net;
using BatchSettle.Jobs;
using Dapper;
using Hangfire.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BatchSettle.Dashboard.Jobs;

/// <summary>
/// On a partition job's page in Hangfire's dashboard: that partition's progress from run_partition (claims done of
/// total, chunks, checkpoint, worker) and a link to its run on the settlement pages. Hangfire renders pages
/// synchronously, so this reads synchronously (one small keyed query).
/// </summary>
internal static class PartitionProgressRenderer
{
    public static NonEscapedString Render(JobDetailsRendererDto dto)
    {
        if (dto.JobDetails.Job is not { } job || job.Type != typeof(PartitionJob) || job.Args is not [long runId, int partNo, ..])
        {
            return new NonEscapedString("");
        }

        var db = dto.Page.Context.GetHttpContext().RequestServices.GetRequiredService<NpgsqlDataSource>();
        using var connection = db.OpenConnection();
        var p = connection.QueryFirstOrDefault<Row>(
            """
            SELECT r.batch_id AS BatchId, r.status AS RunStatus, p.status AS Status, p.owner AS Owner, p.checkpoint AS Checkpoint,
                   p.claims_done AS ClaimsDone, p.claims_total AS ClaimsTotal, p.chunks AS Chunks, p.updated_at AS UpdatedAt,
                   p.error AS Error, p.job_id AS JobId
            FROM run r JOIN run_partition p ON p.run_id = r.run_id WHERE r.run_id = @runId AND p.part_no = @partNo
            """, new { runId, partNo });
        var runLink = string.Create(CultureInfo.InvariantCulture, $"{DashboardEndpoints.BasePath}/#/runs/{runId}");
        if (p is null)
        {
            return new NonEscapedString($"""<h3>Settlement</h3><p class="text-muted">Run {runId} has no partition {partNo}.</p>""");
        }

        var pct = p.ClaimsTotal > 0 ? (int)(p.ClaimsDone * 100 / p.ClaimsTotal) : 0;
        var later = p.JobId is not null && p.JobId != dto.JobId
            ? $"""<tr><th>Current job</th><td><a href="{WebUtility.HtmlEncode(p.JobId)}">job {WebUtility.HtmlEncode(p.JobId)}</a> (this one was replaced)</td></tr>"""
            : "";
        return new NonEscapedString(string.Create(CultureInfo.InvariantCulture, $"""
            <h3 id="batchsettle-partition">Settlement progress</h3>
            <table class="table table-bordered" id="batchsettle-progress">
              <tr><th>Run</th><td><a id="batchsettle-run-link" href="{runLink}">Run #{runId} · {WebUtility.HtmlEncode(p.BatchId)}</a> ({WebUtility.HtmlEncode(p.RunStatus)})</td></tr>
              <tr><th>Partition</th><td>{partNo}: {WebUtility.HtmlEncode(p.Status)}</td></tr>
              <tr><th>Claims</th><td id="batchsettle-claims">{p.ClaimsDone:N0} of {p.ClaimsTotal:N0} ({pct} %)
                <div class="progress" style="margin:4px 0 0"><div class="progress-bar" style="width:{pct}%"></div></div></td></tr>
              <tr><th>Chunks committed</th><td>{p.Chunks}</td></tr>
              <tr><th>Checkpoint</th><td><code>{WebUtility.HtmlEncode(p.Checkpoint ?? "(none yet)")}</code> (last person whose claims are committed; a rerun resumes after it)</td></tr>
              <tr><th>Worker</th><td>{WebUtility.HtmlEncode(p.Owner ?? "—")}</td></tr>
              <tr><th>Updated</th><td>{p.UpdatedAt:yyyy-MM-dd HH:mm:ss} UTC</td></tr>
              {(p.Error is null ? "" : $"<tr><th>Error</th><td>{WebUtility.HtmlEncode(p.Error)}</td></tr>")}
              {later}
            </table>
            """));
    }

    private sealed record Row
    {
        public string BatchId { get; init; } = "";
        public string RunStatus { get; init; } = "";
        public string Status { get; init; } = "";
        public string? Owner { get; init; }
        public string? Checkpoint { get; init; }
        public long ClaimsDone { get; init; }
        public long ClaimsTotal { get; init; }
        public int Chunks { get; init; }
        public DateTime UpdatedAt { get; init; }
        public string? Error { get; init; }
        public string? JobId { get; init; }
    }
}
