using System.Globalization;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Explain;

/// <summary>
/// The registry row a claim was settled against (issue 13, item 4): the run's registry bounds (snapshot, date) and, for
/// the claim's person, year and insutype, the version in force within them — its as_of, snapshot and source line. The
/// versions are append-only (migration 074), so this is exactly the row the run read.
/// </summary>
public static class RegistryRow
{
    public static async Task<string> DescribeAsync(NpgsqlConnection conn, long runId, string psnNo, int? year, string insutype, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(conn);
        var run = await conn.QueryFirstOrDefaultAsync<(long? Snapshot, string? AsOf)>(new CommandDefinition(
            "SELECT registry_snapshot_id, registry_as_of::text FROM run WHERE run_id = @runId", new { runId }, cancellationToken: ct));
        var ic = CultureInfo.InvariantCulture;
        string bounds = run.Snapshot is null && run.AsOf is null
            ? $"run {runId} has no registry bounds recorded"
            : $"run {runId} settles against the registry as of {run.AsOf ?? "(any date)"} (loads up to snapshot {run.Snapshot?.ToString(ic) ?? "(any)"})";
        if (year is null) return $"registry: {bounds}\n";
        var v = await conn.QueryFirstOrDefaultAsync<Version>(new CommandDefinition(
            """
            SELECT v.year AS Year, v.insutype AS Insutype, v.as_of::text AS AsOf, v.snapshot_id AS SnapshotId, v.source_file AS SourceFile,
                   v.source_line AS SourceLine, v.enrol_kind AS EnrolKind, v.paid_date::text AS PaidDate, v.hardship AS Hardship,
                   (SELECT count(*) FROM person_version w WHERE w.psn_no = v.psn_no AND w.year = v.year AND w.insutype = v.insutype) AS Versions
            FROM person_version v
            WHERE v.psn_no = @psnNo AND v.year = @year
              AND (@snap::bigint IS NULL OR v.snapshot_id <= @snap) AND (@asOf::date IS NULL OR v.as_of <= @asOf::date)
            ORDER BY (v.insutype = @insutype) DESC, v.as_of DESC, v.snapshot_id DESC
            LIMIT 1
            """, new { psnNo, year, insutype, snap = run.Snapshot, asOf = run.AsOf }, cancellationToken: ct));
        if (v is null) return $"registry: {bounds}; no row of person {psnNo} for {year} in force\n";
        return $"registry: {bounds}\n"
               + $"  person row used: {psnNo} {v.Year}/{v.Insutype} as of {v.AsOf} (snapshot {v.SnapshotId}, {Path.GetFileName(v.SourceFile)}:{v.SourceLine}; "
               + $"{v.Versions} version{(v.Versions == 1 ? "" : "s")} loaded): enrol_kind {v.EnrolKind}, paid_date {v.PaidDate}"
               + $"{(string.IsNullOrEmpty(v.Hardship) ? "" : ", hardship " + v.Hardship)}\n";
    }

    private sealed class Version
    {
        public int Year { get; set; }
        public string Insutype { get; set; } = "";
        public string AsOf { get; set; } = "";
        public long SnapshotId { get; set; }
        public string SourceFile { get; set; } = "";
        public int SourceLine { get; set; }
        public string EnrolKind { get; set; } = "";
        public string PaidDate { get; set; } = "";
        public string? Hardship { get; set; }
        public long Versions { get; set; }
    }
}
