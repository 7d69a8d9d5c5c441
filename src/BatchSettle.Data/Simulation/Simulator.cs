using System.Diagnostics;
using System.Globalization;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Settlement;
using BatchSettle.Data.Migrations;
using BatchSettle.Data.Runs;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Simulation;

/// <summary>What to simulate (issue 15; <c>batchsettle simulate</c>).</summary>
public sealed record SimulationRequest(string Admdvs, int Year, string DraftText, string DraftFile)
{
    /// <summary>A name for the list; default "ADMDVS YEAR DRAFTFILE".</summary>
    public string? Name { get; init; }

    /// <summary>Last month to settle (first day of it); null = December.</summary>
    public DateOnly? Through { get; init; }

    public int Partitions { get; init; } = 4;

    public int Parallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>A stored simulation, as the list shows it.</summary>
public sealed record SimulationInfo(long SimId, string Name, string Admdvs, int Year, DateOnly Through, string DraftFile,
    string Status, DateTimeOffset CreatedAt, long Claims, long BaselineMs, long DraftMs, string? Error);

/// <summary>
/// Re-settles a region-year under the policy in force (side 0, the baseline) and under policy + a draft (side 1),
/// with the run's pipeline (<see cref="BatchRunner.SimulateSideAsync"/>), into the simulation tables only
/// (migration 084), then stores its report. Results, ledger, accumulators, alerts and runs are never written.
/// </summary>
public sealed class Simulator(NpgsqlDataSource dataSource, TimeProvider time, TextWriter? log = null)
{
    /// <summary>Validates the draft, simulates both sides and stores the report; returns the simulation id. A bad draft
    /// is a <see cref="FormatException"/> naming its line and field, before anything is written.</summary>
    public async Task<long> RunAsync(SimulationRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Core.Domain.Codes.TryRegion(request.Admdvs, out _)) throw new ArgumentException($"unknown admdvs '{request.Admdvs}' (210500 or 210800)");
        var from = new DateOnly(request.Year, 1, 1);
        var through = request.Through ?? new DateOnly(request.Year, 12, 1);
        if (through.Year != request.Year) throw new ArgumentException($"--through {through:yyyy-MM} is not in {request.Year}");
        var to = new DateOnly(through.Year, through.Month, 1).AddMonths(1).AddDays(-1);

        List<PolicyParam> inForce;
        long claims;
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        {
            inForce = await PolicyRows.ReadAllAsync(conn, ct);
            claims = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM staging_claim WHERE admdvs = @a AND enddate BETWEEN @from AND @to",
                new { a = request.Admdvs, from, to }, commandTimeout: 0, cancellationToken: ct));
        }
        var draft = PolicyDraft.Parse(request.DraftText, request.DraftFile, inForce);
        var baselineSet = new PolicySet(inForce);
        var draftSet = new PolicySet(draft.Apply(inForce));
        try
        {
            _ = draftSet.KeyCount; // builds the index: overlaps the cut could not resolve are found now
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{request.DraftFile}: {e.Message}", e);
        }
        if (claims == 0) throw new RunFailedException($"no staged claims of {request.Admdvs} settled in {request.Year} up to {to:yyyy-MM-dd}");

        string name = request.Name ?? $"{request.Admdvs} {request.Year} {Path.GetFileName(request.DraftFile)}";
        long simId;
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        {
            simId = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO simulation (name, admdvs, year, through, draft_file, draft_csv, status, created_at, claims)
                VALUES (@name, @admdvs, @year, @through, @file, @csv, 'running', @now, @claims) RETURNING sim_id
                """, new { name, admdvs = request.Admdvs, year = request.Year, through = new DateOnly(through.Year, through.Month, 1),
                    file = request.DraftFile, csv = request.DraftText, now = time.GetUtcNow(), claims }, cancellationToken: ct));
        }
        log?.WriteLine($"simulation {simId}: {claims} claims of {request.Admdvs} {from:yyyy-MM}..{to:yyyy-MM}, draft {request.DraftFile} ({draft.Rows.Count} rows)");
        try
        {
            var runner = new BatchRunner(dataSource, time, null);
            var options = new BatchRunOptions { Partitions = request.Partitions, Parallelism = request.Parallelism };
            long t0 = Stopwatch.GetTimestamp();
            await runner.SimulateSideAsync(simId, 0, new SettlementEngine(baselineSet), request.Admdvs, from, to, options, ct);
            long baselineMs = (long)Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            log?.WriteLine($"simulation {simId}: baseline settled in {baselineMs} ms");
            t0 = Stopwatch.GetTimestamp();
            await runner.SimulateSideAsync(simId, 1, new SettlementEngine(draftSet), request.Admdvs, from, to, options, ct);
            long draftMs = (long)Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            log?.WriteLine($"simulation {simId}: draft settled in {draftMs} ms");
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await conn.ExecuteAsync(new CommandDefinition(
                "UPDATE simulation SET baseline_ms = @baselineMs, draft_ms = @draftMs WHERE sim_id = @simId",
                new { baselineMs, draftMs, simId }, cancellationToken: ct));
            // The report joins the two sides several times: planned on an empty table's statistics, one join ran for
            // minutes at 1M claims (migration 095).
            await conn.ExecuteAsync(new CommandDefinition("SELECT batchsettle_analyze_simulation()", commandTimeout: 0, cancellationToken: ct));
            var report = await SimulationReport.BuildAsync(dataSource, simId, baselineSet, draftSet, draft, ct: ct);
            await conn.ExecuteAsync(new CommandDefinition(
                "UPDATE simulation SET status = 'done', finished_at = @now, report = @report::jsonb WHERE sim_id = @simId",
                new { now = time.GetUtcNow(), report = report.ToJson(), simId }, cancellationToken: ct));
            return simId;
        }
        catch (Exception e)
        {
            await using var conn = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await conn.ExecuteAsync(new CommandDefinition(
                "UPDATE simulation SET status = 'failed', finished_at = @now, error = @error WHERE sim_id = @simId",
                new { now = time.GetUtcNow(), error = e.Message, simId }, cancellationToken: CancellationToken.None));
            throw;
        }
    }

    /// <summary>Deletes a simulation and its rows; false when there is none of that id.</summary>
    public async Task<bool> DropAsync(long simId, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("DELETE FROM sim_result WHERE sim_id = @simId", new { simId }, tx, commandTimeout: 0, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition("DELETE FROM sim_alert WHERE sim_id = @simId", new { simId }, tx, cancellationToken: ct));
        int n = await conn.ExecuteAsync(new CommandDefinition("DELETE FROM simulation WHERE sim_id = @simId", new { simId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return n == 1;
    }

    /// <summary>Every stored simulation, newest first.</summary>
    public async Task<IReadOnlyList<SimulationInfo>> ListAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(long, string, string, int, DateTime, string, string, DateTime, long, long, long, string?)>(new CommandDefinition(
            """
            SELECT sim_id, name, admdvs, year, through, draft_file, status, created_at, claims, baseline_ms, draft_ms, error
            FROM simulation ORDER BY sim_id DESC
            """, cancellationToken: ct));
        return [.. rows.Select(r => new SimulationInfo(r.Item1, r.Item2, r.Item3, r.Item4, DateOnly.FromDateTime(r.Item5), r.Item6, r.Item7,
            new DateTimeOffset(DateTime.SpecifyKind(r.Item8, DateTimeKind.Utc)), r.Item9, r.Item10, r.Item11, r.Item12))];
    }

    /// <summary>The stored report (JSON) of a finished simulation; null when there is none.</summary>
    public async Task<string?> ReportJsonAsync(long simId, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT report::text FROM simulation WHERE sim_id = @simId", new { simId }, cancellationToken: ct));
    }

    internal static string Month(DateOnly d) => d.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
