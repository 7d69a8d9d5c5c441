using System.Globalization;
using System.Text;
using BatchSettle.Core.Domain;
using BatchSettle.Data.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace BatchSettle.Data.Staging;

/// <summary>
/// Loads the contract's persons.csv / claims.csv into staging with binary COPY (through a temp table, so that a row
/// already loaded with identical content is skipped; a claim with different content becomes a named reject, a person
/// row with different content a new version of the registry, migration 074).
/// Rows that fail typing go to staging_reject naming file, line, field and reason.
/// </summary>
public sealed class StagingLoader
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    public StagingLoader(NpgsqlDataSource dataSource, TimeProvider time, ILogger? log = null)
    {
        _dataSource = dataSource;
        _time = time;
        _log = log ?? NullLogger.Instance;
    }

    /// <summary>Rows read so far, reported every <see cref="LoadProgress.Every"/> rows and at the end of the file (a progress bar's source).</summary>
    public IProgress<LoadProgress>? Progress { get; init; }

    /// <summary>Most reject lines printed per file; the rest are counted.</summary>
    public int MaxPrintedRejects { get; init; } = 50;

    /// <summary>
    /// Claims are stored in the order a run streams them (DESIGN.md "A run"): the heap is read sequentially by the
    /// partition stream, and claim_seq (the ledger's entry_id) rises in settlement order, so the ledger's primary key
    /// is filled at its right edge instead of at random (docs/PERFORMANCE.md).
    /// </summary>
    private const string ClaimOrder = "t.batch_id, t.psn_no COLLATE \"C\", t.enddate, t.setl_id COLLATE \"C\"";

    /// <summary>Loads a persons file as a registry snapshot dated by <see cref="RegistryDates.Default"/>.</summary>
    public Task<LoadResult> LoadPersonsAsync(string path, CancellationToken ct = default) => LoadPersonsAsync(path, null, ct);

    /// <summary>
    /// Loads a persons file as a registry snapshot as of <paramref name="asOf"/> (default: the date in the file's name,
    /// else today in China Standard Time; <see cref="RegistryDates"/>). A row identical to the version in force at that
    /// date adds nothing; a changed or new row adds a version (issue 13: never refused for having changed).
    /// </summary>
    public Task<LoadResult> LoadPersonsAsync(string path, DateOnly? asOf, CancellationToken ct = default) =>
        LoadAsync(path, "person", "staging_person", StagingColumns.Persons, ["psn_no", "year", "insutype"], ct, asOf);

    public Task<LoadResult> LoadClaimsAsync(string path, CancellationToken ct = default) =>
        LoadAsync(path, "claim", "staging_claim", StagingColumns.Claims, ["setl_id"], ct);

    private async Task<LoadResult> LoadAsync(string path, string kind, string table, ColSpec[] specs, string[] keyCols, CancellationToken ct,
        DateOnly? asOf = null)
    {
        if (!File.Exists(path)) throw new LoadException($"{path}: file not found");
        string sourceFile = Path.GetFullPath(path);
        var loadedAt = _time.GetUtcNow();
        using var csv = CsvReader.Open(path);
        var row = new List<string>();
        if (!csv.Read(row)) throw new LoadException($"{path}: empty file (no header)");
        int[] map = MapHeader(path, row, specs);
        int width = row.Count;

        var rejects = new List<Reject>();
        var keysInFile = new Dictionary<string, (int Line, ulong Content)>(StringComparer.Ordinal);
        int rows = 0, typed = 0, dupInFile = 0;
        var values = new object?[specs.Length];
        var errors = new List<(string Field, string Reason)>();
        int[] keyIdx = [.. keyCols.Select(k => Array.FindIndex(specs, s => s.Name == k))];
        int batchIdx = Array.FindIndex(specs, s => s.Name == "batch_id");
        int setlIdx = Array.FindIndex(specs, s => s.Name == "setl_id");
        int psnIdx = Array.FindIndex(specs, s => s.Name == "psn_no");

        await using var conn = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        string cols = string.Join(", ", specs.Select(s => s.Name)) + ", psn_hash, source_file, source_line, loaded_at";
        await conn.ExecuteAsync(new CommandDefinition(
            $"CREATE TEMP TABLE tmp_load ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA", transaction: tx, cancellationToken: ct));
        await using (var imp = await conn.BeginBinaryImportAsync($"COPY tmp_load ({cols}) FROM STDIN (FORMAT BINARY)", ct))
        {
            long fileBytes = Progress is null ? 0 : new FileInfo(path).Length;
            while (csv.Read(row))
            {
                rows++;
                if (Progress is not null && rows % LoadProgress.Every == 0) Progress.Report(new LoadProgress(path, rows, csv.BytesRead, fileBytes, false));
                errors.Clear();
                if (csv.Error is not null)
                {
                    errors.Add(("(row)", csv.Error));
                }
                else if (row.Count != width)
                {
                    errors.Add(("(row)", $"has {row.Count} fields, header has {width}"));
                }
                else
                {
                    for (int i = 0; i < specs.Length; i++)
                    {
                        string? raw = map[i] < 0 || map[i] >= row.Count ? null : row[map[i]];
                        if (string.IsNullOrEmpty(raw)) raw = null;
                        if (raw is not null && CellProblem(specs[i].Name, raw) is { } problem)
                        {
                            errors.Add((specs[i].Name, problem));
                            values[i] = null;
                            continue;
                        }
                        values[i] = TypeValue(specs[i], raw, errors);
                    }
                }
                // A field of a rejected row is kept with the reject only when it is storable text (the row's batch,
                // setl_id and person); a row whose fields cannot be placed (wrong count) is unbatched, named by line.
                string? Raw(int specIdx) => specIdx < 0 || errors.Count > 0 && errors[0].Field == "(row)" || map[specIdx] < 0 || map[specIdx] >= row.Count
                    || string.IsNullOrEmpty(row[map[specIdx]]) || CellProblem(specs[specIdx].Name, row[map[specIdx]]) is not null
                    ? null : row[map[specIdx]];
                if (errors.Count == 0)
                {
                    string key = string.Join('\u0001', keyIdx.Select(k => Convert.ToString(values[k], CultureInfo.InvariantCulture)));
                    ulong content = ContentHash(row, map);
                    if (keysInFile.TryGetValue(key, out var first))
                    {
                        if (first.Content == content) { dupInFile++; continue; }
                        errors.Add((string.Join("+", keyCols), $"{string.Join("/", keyCols)} {key.Replace('\u0001', '/')} appears again with different content (first at line {first.Line})"));
                    }
                    else
                    {
                        keysInFile.Add(key, (csv.Line, content));
                    }
                }
                if (errors.Count > 0)
                {
                    foreach (var (field, reason) in errors)
                    {
                        rejects.Add(new Reject(kind, Raw(batchIdx), Raw(setlIdx), Raw(psnIdx), sourceFile, csv.Line, field, reason));
                    }
                    continue;
                }
                typed++;
                await imp.StartRowAsync(ct);
                for (int i = 0; i < specs.Length; i++) await WriteValueAsync(imp, specs[i].Type, values[i], ct);
                await imp.WriteAsync(PsnHash.Stored((string)values[psnIdx]!), NpgsqlDbType.Integer, ct);
                await imp.WriteAsync(sourceFile, NpgsqlDbType.Text, ct);
                await imp.WriteAsync(csv.Line, NpgsqlDbType.Integer, ct);
                await imp.WriteAsync(loadedAt, NpgsqlDbType.TimestampTz, ct);
            }
            await imp.CompleteAsync(ct);
            Progress?.Report(new LoadProgress(path, rows, fileBytes, fileBytes, true));
        }

        int refused = kind == "claim" ? await RefuseSealedBatchesAsync(conn, tx, sourceFile, rejects, ct) : 0;
        if (kind == "person")
        {
            var snap = await LoadSnapshotAsync(conn, tx, specs, keyCols, sourceFile, asOf ?? RegistryDates.Default(path, loadedAt), loadedAt, rows,
                rejects.Select(r => r.Line).Distinct().Count(), ct);
            await InsertRejectsAsync(conn, tx, rejects, loadedAt, ct);
            await tx.CommitAsync(ct);
            await conn.ExecuteAsync(new CommandDefinition("SELECT batchsettle_analyze_staging(@table)", new { table }, commandTimeout: 0, cancellationToken: ct));
            PrintRejects(path, rejects);
            var pr = new LoadResult(path, rows, (int)(snap.New + snap.Changed), (int)snap.Unchanged + dupInFile, rejects.Select(r => r.Line).Distinct().Count())
            {
                New = snap.New, Changed = snap.Changed, Unchanged = snap.Unchanged + dupInFile, AsOf = snap.AsOf, SnapshotId = snap.Id,
            };
            LoadLog.Loaded(_log, path, rows, pr.Inserted, pr.AlreadyLoaded, pr.Rejected);
            return pr;
        }

        // Rows already in staging under the same key with different content: named rejects, not loaded.
        string tContent = string.Join(", ", specs.Where(s => !keyCols.Contains(s.Name)).Select(s => "t." + s.Name));
        string sContent = string.Join(", ", specs.Where(s => !keyCols.Contains(s.Name)).Select(s => "s." + s.Name));
        string join = string.Join(" AND ", keyCols.Select(k => $"s.{k} = t.{k}"));
        var conflicts = await conn.QueryAsync<(int Line, string? Batch, string? Setl, string Psn, string Where)>(new CommandDefinition(
            $"""
            SELECT t.source_line, {(batchIdx >= 0 ? "t.batch_id" : "NULL::text")}, {(setlIdx >= 0 ? "t.setl_id" : "NULL::text")}, t.psn_no,
                   s.source_file || ':' || s.source_line
            FROM tmp_load t JOIN {table} s ON {join}
            WHERE ({tContent}) IS DISTINCT FROM ({sContent})
            """, transaction: tx, commandTimeout: 0, cancellationToken: ct));
        int conflictCount = 0;
        foreach (var c in conflicts)
        {
            conflictCount++;
            string key = kind == "claim" ? $"setl_id {c.Setl}" : $"psn_no/year/insutype {c.Psn}";
            rejects.Add(new Reject(kind, c.Batch, c.Setl, c.Psn, sourceFile, c.Line, keyCols[0],
                $"{key} already loaded with different content (from {c.Where}); not loaded"));
        }
        int inserted = await conn.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO {table} ({cols})
            SELECT {cols} FROM tmp_load t ORDER BY {(kind == "claim" ? ClaimOrder : "t.source_line")}
            ON CONFLICT DO NOTHING
            """, transaction: tx, commandTimeout: 0, cancellationToken: ct));
        await InsertRejectsAsync(conn, tx, rejects, loadedAt, ct);
        await tx.CommitAsync(ct);
        // Fresh statistics, so the run's queries are planned for the rows just loaded (not for an empty table).
        // ANALYZE needs the table's owner: the runtime role asks through a SECURITY DEFINER function (migration 051).
        await conn.ExecuteAsync(new CommandDefinition("SELECT batchsettle_analyze_staging(@table)", new { table }, commandTimeout: 0, cancellationToken: ct));

        PrintRejects(path, rejects);
        int already = typed - inserted - conflictCount - refused + dupInFile;
        var result = new LoadResult(path, rows, inserted, already, rejects.Select(r => r.Line).Distinct().Count());
        LoadLog.Loaded(_log, path, rows, inserted, already, result.Rejected);
        return result;
    }

    private sealed record Snapshot(long Id, DateOnly AsOf, long New, long Changed, long Unchanged);

    /// <summary>
    /// The persons in tmp_load as registry snapshot <c>as_of</c> (migration 074): each row compared with its key's
    /// version in force at that date — unchanged adds nothing; new or changed adds a version to person_version, and
    /// becomes staging_person's current row unless a later-dated version is already there.
    /// </summary>
    private static async Task<Snapshot> LoadSnapshotAsync(NpgsqlConnection conn, NpgsqlTransaction tx, ColSpec[] specs, string[] keyCols,
        string sourceFile, DateOnly asOf, DateTimeOffset loadedAt, int rows, int rejected, CancellationToken ct)
    {
        var asOfParam = asOf.ToDateTime(TimeOnly.MinValue);
        long id = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO registry_snapshot (as_of, source_file, loaded_at, rows_read, rows_rejected) VALUES (@asOf::date, @sourceFile, @loadedAt, @rows, @rejected) RETURNING snapshot_id",
            new { asOf = asOfParam, sourceFile, loadedAt, rows, rejected }, tx, cancellationToken: ct));
        string[] content = [.. specs.Where(s => !keyCols.Contains(s.Name)).Select(s => s.Name)];
        string cols = string.Join(", ", specs.Select(s => s.Name)) + ", psn_hash, source_file, source_line, loaded_at";
        string tCols = string.Join(", ", cols.Split(", ").Select(c => "t." + c));
        await conn.ExecuteAsync(new CommandDefinition(
            $"""
            CREATE TEMP TABLE tmp_snapshot ON COMMIT DROP AS
            SELECT t.*, CASE WHEN v.psn_no IS NULL THEN 'new'
                             WHEN ({string.Join(", ", content.Select(c => "t." + c))}) IS DISTINCT FROM ({string.Join(", ", content.Select(c => "v." + c))}) THEN 'changed'
                             ELSE 'unchanged' END AS cls
            FROM tmp_load t
            LEFT JOIN LATERAL (
                SELECT * FROM person_version v
                WHERE v.psn_no = t.psn_no AND v.year = t.year AND v.insutype = t.insutype AND v.as_of <= @asOf::date
                ORDER BY v.as_of DESC, v.snapshot_id DESC LIMIT 1) v ON true
            """, new { asOf = asOfParam }, tx, commandTimeout: 0, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO person_version ({cols}, as_of, snapshot_id)
            SELECT {tCols}, @asOf::date, @id FROM tmp_snapshot t WHERE t.cls <> 'unchanged' ORDER BY t.source_line
            """, new { asOf = asOfParam, id }, tx, commandTimeout: 0, cancellationToken: ct));
        string update = string.Join(", ", cols.Split(", ").Where(c => !keyCols.Contains(c)).Append("as_of").Append("snapshot_id").Select(c => $"{c} = excluded.{c}"));
        await conn.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO staging_person ({cols}, as_of, snapshot_id)
            SELECT {tCols}, @asOf::date, @id FROM tmp_snapshot t WHERE t.cls <> 'unchanged' ORDER BY t.source_line
            ON CONFLICT (psn_no, year, insutype) DO UPDATE SET {update}
            WHERE staging_person.as_of IS NULL OR (staging_person.as_of, staging_person.snapshot_id) <= (excluded.as_of, excluded.snapshot_id)
            """, new { asOf = asOfParam, id }, tx, commandTimeout: 0, cancellationToken: ct));
        var counts = await conn.QuerySingleAsync<(long New, long Changed, long Unchanged)>(new CommandDefinition(
            """
            UPDATE registry_snapshot s SET rows_new = c.n, rows_changed = c.ch, rows_unchanged = c.u
            FROM (SELECT count(*) FILTER (WHERE cls = 'new') AS n, count(*) FILTER (WHERE cls = 'changed') AS ch,
                         count(*) FILTER (WHERE cls = 'unchanged') AS u FROM tmp_snapshot) c
            WHERE s.snapshot_id = @id
            RETURNING c.n, c.ch, c.u
            """, new { id }, tx, cancellationToken: ct));
        return new Snapshot(id, asOf, counts.New, counts.Changed, counts.Unchanged);
    }

    /// <summary>Longest identifier (batch_id, setl_id, psn_no, reversal_of): they are index keys.</summary>
    public const int MaxKeyChars = 64;

    /// <summary>Longest value of any other column.</summary>
    public const int MaxCellChars = 256;

    /// <summary>Earliest and latest date accepted at load (no ±infinity, no year 1 or 9999: a date outside is a typo).</summary>
    public static readonly DateOnly MinDate = new(1900, 1, 1);

    public static readonly DateOnly MaxDate = new(2099, 12, 31);

    /// <summary>
    /// Why a raw cell cannot be stored at all (null when it can): bytes that were not UTF-8 (refused, not replaced),
    /// a NUL byte (PostgreSQL text cannot hold one), or more characters than the column allows.
    /// </summary>
    internal static string? CellProblem(string column, string raw)
    {
        if (raw.Contains(CsvReader.InvalidUtf8, StringComparison.Ordinal)) return "not valid UTF-8 (refused, not replaced)";
        if (raw.Contains('\0', StringComparison.Ordinal)) return "contains a NUL byte";
        int max = column is "batch_id" or "setl_id" or "psn_no" or "reversal_of" ? MaxKeyChars : MaxCellChars;
        return raw.Length > max ? $"{raw.Length} characters, at most {max} allowed" : null;
    }

    /// <summary>
    /// Claims of a batch whose last run has not succeeded are refused (the batch is sealed: a resumed run continues
    /// from its checkpoints and would pass over them): each is named as a reject (refused = true), not loaded, and
    /// counted by no run; load the file again once the run has finished. Claims for a batch whose last run succeeded
    /// are loaded and settled by a follow-up run (<c>run --batch B</c>); the load says so. Holds the batch lock
    /// (<see cref="Runs.BatchLock"/>) to the commit, so a run cannot start in between.
    /// </summary>
    private async Task<int> RefuseSealedBatchesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sourceFile, List<Reject> rejects, CancellationToken ct)
    {
        var batches = (await conn.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT batch_id FROM tmp_load ORDER BY 1", transaction: tx, commandTimeout: 0, cancellationToken: ct))).AsList();
        int refused = 0;
        foreach (string batchId in batches)
        {
            await conn.ExecuteAsync(new CommandDefinition(Runs.BatchLock.StagingSql, new { batchId }, tx, cancellationToken: ct));
            var last = await conn.QueryFirstOrDefaultAsync<(long RunId, string Status)?>(new CommandDefinition(
                "SELECT run_id, status FROM run WHERE batch_id = @batchId AND started_at IS NOT NULL ORDER BY run_id DESC LIMIT 1", new { batchId }, tx, cancellationToken: ct));
            if (last is not { } l) continue;
            if (l.Status is "succeeded" or "succeeded_with_quarantine")
            {
                long late = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT count(*) FROM tmp_load t WHERE t.batch_id = @batchId AND NOT EXISTS (SELECT 1 FROM staging_claim s WHERE s.setl_id = t.setl_id)",
                    new { batchId }, tx, commandTimeout: 0, cancellationToken: ct));
                if (late > 0)
                {
                    LoadLog.FollowUp(_log, batchId, l.RunId, late);
                }
                continue;
            }
            var rows = await conn.QueryAsync<(int Line, string Setl, string Psn)>(new CommandDefinition(
                "DELETE FROM tmp_load WHERE batch_id = @batchId RETURNING source_line, setl_id, psn_no",
                new { batchId }, tx, commandTimeout: 0, cancellationToken: ct));
            foreach (var r in rows)
            {
                refused++;
                rejects.Add(new Reject("claim", batchId, r.Setl, r.Psn, sourceFile, r.Line, "batch_id",
                    $"batch {batchId} is sealed: its run {l.RunId} is {l.Status}; finish it (batchsettle run --batch {batchId}), then load this row again", Refused: true));
            }
        }
        return refused;
    }

    private static int[] MapHeader(string path, List<string> header, ColSpec[] specs)
    {
        var pos = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Count; i++)
        {
            string name = header[i].Trim();
            if (i == 0 && name.Length > 0 && name[0] == '\uFEFF') name = name[1..];
            if (Array.FindIndex(specs, s => s.Name == name) < 0)
            {
                throw new LoadException($"{path}: unknown column '{name}' in header (expected: {string.Join(", ", specs.Select(s => s.Name))})");
            }
            if (!pos.TryAdd(name, i)) throw new LoadException($"{path}: column '{name}' appears twice in header");
        }
        var map = new int[specs.Length];
        for (int i = 0; i < specs.Length; i++)
        {
            if (pos.TryGetValue(specs[i].Name, out int p)) map[i] = p;
            else if (specs[i].Required) throw new LoadException($"{path}: required column '{specs[i].Name}' missing from header");
            else map[i] = -1;
        }
        return map;
    }

    private static object? TypeValue(ColSpec spec, string? raw, List<(string, string)> errors)
    {
        if (raw is null)
        {
            if (spec.Required) errors.Add((spec.Name, "required value missing"));
            return spec.Default; // (v2) an optional column left out or empty reads as its default
        }
        switch (spec.Type)
        {
            case ColType.Text:
                return raw;
            case ColType.Date:
                if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                {
                    if (d >= MinDate && d <= MaxDate) return d;
                    errors.Add((spec.Name, $"date {raw} out of range ({MinDate:yyyy-MM-dd} to {MaxDate:yyyy-MM-dd})"));
                    return null;
                }
                errors.Add((spec.Name, $"bad date '{raw}' (expected YYYY-MM-DD)"));
                return null;
            case ColType.Int:
                if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n)) return n;
                errors.Add((spec.Name, $"bad integer '{raw}'"));
                return null;
            case ColType.Bool:
                if (raw.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
                if (raw.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
                errors.Add((spec.Name, $"bad boolean '{raw}' (expected true/false)"));
                return null;
            case ColType.Money:
                // More than two decimals is kept (numeric) and quarantined by the run, naming the field.
                if (decimal.TryParse(raw, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var m)) return m;
                errors.Add((spec.Name, $"bad money amount '{raw}' (expected yuan like 1234.50)"));
                return null;
            case ColType.Hardship:
                if (Codes.TryHardship(raw, out _, out string? err)) return raw;
                errors.Add((spec.Name, err ?? $"bad hardship '{raw}'"));
                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(spec));
        }
    }

    private static async Task WriteValueAsync(NpgsqlBinaryImporter imp, ColType type, object? v, CancellationToken ct)
    {
        if (v is null) { await imp.WriteNullAsync(ct); return; }
        switch (type)
        {
            case ColType.Text or ColType.Hardship: await imp.WriteAsync((string)v, NpgsqlDbType.Text, ct); break;
            case ColType.Date: await imp.WriteAsync((DateOnly)v, NpgsqlDbType.Date, ct); break;
            case ColType.Int: await imp.WriteAsync((int)v, NpgsqlDbType.Integer, ct); break;
            case ColType.Bool: await imp.WriteAsync((bool)v, NpgsqlDbType.Boolean, ct); break;
            case ColType.Money: await imp.WriteAsync((decimal)v, NpgsqlDbType.Numeric, ct); break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    private static ulong ContentHash(List<string> row, int[] map)
    {
        ulong h = 14695981039346656037;
        foreach (int p in map)
        {
            string s = p >= 0 && p < row.Count ? row[p] : "";
            foreach (char c in s)
            {
                h ^= c;
                h *= 1099511628211;
            }
            h ^= 0x1F;
            h *= 1099511628211;
        }
        return h;
    }

    private static async Task InsertRejectsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, List<Reject> rejects, DateTimeOffset at, CancellationToken ct)
    {
        if (rejects.Count == 0) return;
        await conn.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO staging_reject (kind, batch_id, setl_id, psn_no, source_file, source_line, field, reason, loaded_at, refused)
            SELECT k, b, s, p, f, l, fd, r, @at, rf
            FROM unnest(@k, @b, @s, @p, @f, @l, @fd, @r, @rf) AS x(k, b, s, p, f, l, fd, r, rf)
            ON CONFLICT (source_file, source_line, field, reason) DO NOTHING
            """,
            new
            {
                k = rejects.Select(r => r.Kind).ToArray(),
                b = rejects.Select(r => r.BatchId).ToArray(),
                s = rejects.Select(r => r.SetlId).ToArray(),
                p = rejects.Select(r => r.PsnNo).ToArray(),
                f = rejects.Select(r => r.File).ToArray(),
                l = rejects.Select(r => r.Line).ToArray(),
                fd = rejects.Select(r => r.Field).ToArray(),
                r = rejects.Select(r => r.Reason).ToArray(),
                rf = rejects.Select(r => r.Refused).ToArray(),
                at,
            }, tx, cancellationToken: ct));
    }

    private void PrintRejects(string path, List<Reject> rejects)
    {
        if (rejects.Count == 0 || !_log.IsEnabled(LogLevel.Warning)) return;
        var sb = new StringBuilder();
        int shown = 0;
        foreach (var r in rejects.OrderBy(r => r.Line))
        {
            if (shown++ == MaxPrintedRejects)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  ... and {rejects.Count - MaxPrintedRejects} more (table staging_reject)\n");
                break;
            }
            sb.Append(CultureInfo.InvariantCulture, $"  rejected {Path.GetFileName(path)}:{r.Line} field {r.Field}: {r.Reason}\n");
        }
        LoadLog.Rejects(_log, sb.ToString().TrimEnd('\n'));
    }

    private sealed record Reject(string Kind, string? BatchId, string? SetlId, string? PsnNo, string File, int Line, string Field, string Reason,
        bool Refused = false);
}
