using System.Globalization;
using System.Text.RegularExpressions;
using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Settlement;
using Dapper;
using Hangfire.PostgreSql;
using Npgsql;
using NpgsqlTypes;

namespace BatchSettle.Data.Migrations;

/// <summary>
/// Applies sql/NNN_*.sql in order, each in its own transaction, recorded in schema_migrations, under a session
/// advisory lock so two processes never migrate at once; then publishes the accumulator slot names and loads
/// sql/policy/params.csv into policy_param and sql/finance/chart.csv into account_chart, refusing a changed row with an
/// existing id; installs or upgrades Hangfire's schema (<see cref="HangfireSchema"/>) under the same lock, so workers
/// never race to create it; and last gives the runtime role its grants on every table there now is.
/// </summary>
public sealed partial class MigrationRunner
{
    /// <summary>The schema Hangfire's PostgreSQL storage keeps its jobs, queues, sets and servers in.</summary>
    public const string HangfireSchema = "hangfire";

    /// <summary>
    /// The Hangfire schema version Hangfire.PostgreSql 1.21.1 installs (its Install.v23.sql). The installer stops
    /// silently at the first script that fails, so the runner checks it got at least this far.
    /// </summary>
    public const int HangfireSchemaVersion = 23;

    /// <summary>pg_advisory_lock key: "BSMIGRAT" as ASCII.</summary>
    private const long LockKey = 0x42534D4947524154;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _sqlDir;
    private readonly TextWriter? _log;
    private readonly IPolicyParamSource _policySource;

    public MigrationRunner(NpgsqlDataSource dataSource, string sqlDir, TextWriter? log = null, IPolicyParamSource? policySource = null)
    {
        _dataSource = dataSource;
        _sqlDir = sqlDir;
        _log = log;
        _policySource = policySource ?? new CorePolicyCsvSource();
    }

    [GeneratedRegex(@"^(\d{3})_([A-Za-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();

    /// <summary>The migration files, ordered by version.</summary>
    public IReadOnlyList<(int Version, string Name, string Path)> Migrations()
    {
        var list = new List<(int, string, string)>();
        foreach (var f in Directory.GetFiles(_sqlDir, "*.sql"))
        {
            var m = MigrationName().Match(Path.GetFileName(f));
            if (m.Success) list.Add((int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value, f));
        }
        list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        for (int i = 1; i < list.Count; i++)
        {
            if (list[i].Item1 == list[i - 1].Item1) throw new InvalidOperationException($"two migrations with version {list[i].Item1}");
        }
        return list;
    }

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var conn = await _dataSource.OpenConnectionAsync(ct);
        // The runtime role cannot (and must not) change the schema: it only checks that the owner has migrated it.
        if (await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT current_user = @runtime", new { runtime = Infrastructure.DbRoles.Runtime }, cancellationToken: ct)))
        {
            await CheckMigratedAsync(conn, ct);
            return;
        }
        await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@k)", new { k = LockKey }, cancellationToken: ct));
        try
        {
            // The role names migration 051 and batchsettle_apply_grants() read (session settings).
            await conn.ExecuteAsync(new CommandDefinition(
                "SELECT set_config('batchsettle.owner_role', @owner, false), set_config('batchsettle.runtime_role', @runtime, false)",
                new { owner = Infrastructure.DbRoles.Owner, runtime = Infrastructure.DbRoles.Runtime }, cancellationToken: ct));
            await conn.ExecuteAsync(new CommandDefinition(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version     int PRIMARY KEY,
                    name        text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now())
                """, cancellationToken: ct));
            var applied = new HashSet<int>(await conn.QueryAsync<int>(
                new CommandDefinition("SELECT version FROM schema_migrations", cancellationToken: ct)));
            foreach (var (version, name, path) in Migrations())
            {
                if (applied.Contains(version)) continue;
                string sql = await File.ReadAllTextAsync(path, ct);
                await using var tx = await conn.BeginTransactionAsync(ct);
                await using (var cmd = new NpgsqlCommand(sql, conn, tx)) await cmd.ExecuteNonQueryAsync(ct);
                await conn.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name) VALUES (@version, @name)",
                    new { version, name }, tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
                _log?.WriteLine($"migrated {version:D3}_{name}");
            }
            await PublishSlotNamesAsync(conn, ct);
            await LoadPolicyAsync(conn, ct);
            await Finance.ChartOfAccounts.LoadAsync(conn, Path.Combine(_sqlDir, "finance", "chart.csv"), _log, ct);
            await InstallHangfireAsync(conn, ct);
            // After every migration run: the runtime role's grants for every table there is now (the rule is in
            // migration 051 and sql/README.md), so tables added by later migrations get them without a step of their own.
            // Only when something changed: the grant step takes table locks (ALTER ... OWNER, GRANT), which deadlocked
            // with workers already running when every process start re-applied it.
            if (await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
                    "SELECT to_regprocedure('batchsettle_apply_grants()') IS NOT NULL AND EXISTS ("
                    + "SELECT 1 FROM pg_tables t WHERE t.schemaname IN ('public', 'hangfire') AND NOT has_table_privilege("
                    + "@runtime, quote_ident(t.schemaname) || '.' || quote_ident(t.tablename), 'SELECT') OR (has_table_privilege("
                    + "@runtime, quote_ident(t.schemaname) || '.' || quote_ident(t.tablename), 'UPDATE') AND EXISTS (SELECT 1 FROM pg_trigger g "
                    + "JOIN pg_proc p ON p.oid = g.tgfoid WHERE g.tgrelid = (quote_ident(t.schemaname) || '.' || quote_ident(t.tablename))::regclass "
                    + "AND p.proname = 'refuse_change' AND (g.tgtype & 24) <> 0)))"
                    // Views too (092): batchsettle_apply_grants() walks tables only.
                    + " OR EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'hangfire') "
                    + "AND c.relkind IN ('v', 'm') AND NOT has_table_privilege(@runtime, c.oid, 'SELECT'))",
                    new { runtime = Infrastructure.DbRoles.Runtime }, cancellationToken: ct)))
            {
                await conn.ExecuteAsync(new CommandDefinition("SELECT batchsettle_apply_grants()", commandTimeout: 0, cancellationToken: ct));
                if (await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
                        "SELECT to_regprocedure('batchsettle_grant_views()') IS NOT NULL", cancellationToken: ct)))
                {
                    await conn.ExecuteAsync(new CommandDefinition("SELECT batchsettle_grant_views()", commandTimeout: 0, cancellationToken: ct));
                }
            }
        }
        finally
        {
            await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@k)", new { k = LockKey }, cancellationToken: CancellationToken.None));
        }
    }

    private async Task CheckMigratedAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var applied = new HashSet<int>();
        if (await conn.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT to_regclass('schema_migrations') IS NOT NULL", cancellationToken: ct)))
        {
            applied.UnionWith(await conn.QueryAsync<int>(new CommandDefinition("SELECT version FROM schema_migrations", cancellationToken: ct)));
        }
        var missing = Migrations().Where(m => !applied.Contains(m.Version)).Select(m => $"{m.Version:D3}_{m.Name}").ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"the database is not migrated ({string.Join(", ", missing)} missing) and the runtime role {Infrastructure.DbRoles.Runtime} may not change the schema: " +
                $"set {Infrastructure.BatchSettleDatabase.OwnerEnvVar} to the owner's connection string");
        }
    }

    /// <summary>
    /// Hangfire's own tables, from the scripts inside Hangfire.PostgreSql (idempotent: each script checks the stored
    /// version). Done here, under the migration lock, because two installers on an empty database collide (one fails
    /// with a duplicate schema), and the workers start their storage with PrepareSchemaIfNecessary off.
    /// </summary>
    private static async Task InstallHangfireAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        PostgreSqlObjectsInstaller.Install(conn, HangfireSchema);
        int? version = await conn.ExecuteScalarAsync<int?>(new CommandDefinition(
            $"SELECT max(version) FROM \"{HangfireSchema}\".\"schema\"", cancellationToken: ct));
        if (version is null || version < HangfireSchemaVersion)
        {
            throw new InvalidOperationException(
                $"Hangfire's schema stopped at version {version?.ToString(CultureInfo.InvariantCulture) ?? "none"}, " +
                $"expected {HangfireSchemaVersion}: see the log for the failed install script");
        }
    }

    private static async Task PublishSlotNamesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var names = AccSlot.Names;
        var idx = new int[names.Count];
        for (int i = 0; i < idx.Length; i++) idx[i] = i;
        await conn.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO accumulator_slot (idx, name) SELECT * FROM unnest(@idx, @names)
            ON CONFLICT (idx) DO UPDATE SET name = excluded.name WHERE accumulator_slot.name <> excluded.name
            """, new { idx, names = names.ToArray() }, cancellationToken: ct));
    }

    private async Task LoadPolicyAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        string path = Path.Combine(_sqlDir, "policy", "params.csv");
        if (!File.Exists(path)) return;
        var fromFile = _policySource.Read(path);
        var existing = new Dictionary<int, PolicyParam>();
        foreach (var p in await PolicyRows.ReadAllAsync(conn, ct)) existing[p.Id] = p;
        var toInsert = new List<PolicyParam>();
        var seen = new HashSet<int>();
        foreach (var p in fromFile)
        {
            if (!seen.Add(p.Id)) throw new InvalidOperationException($"{path}: id {p.Id} appears twice");
            if (existing.TryGetValue(p.Id, out var old))
            {
                if (old != p)
                {
                    throw new InvalidOperationException(
                        $"{path}: policy parameter id {p.Id} ({p.RuleId} {p.Key}/{p.Qualifier}) differs from the row already loaded; " +
                        "a shipped row never changes — add a new row with a new id and its own effective range");
                }
                continue;
            }
            toInsert.Add(p);
        }
        if (toInsert.Count == 0) return;
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var imp = await conn.BeginBinaryImportAsync(
            "COPY policy_param (id, rule_id, key, qualifier, admdvs, insutype, value, unit, effective_from, effective_to, provenance, citation, note, supersedes) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var p in toInsert)
            {
                await imp.StartRowAsync(ct);
                await imp.WriteAsync(p.Id, NpgsqlDbType.Integer, ct);
                await imp.WriteAsync(p.RuleId, NpgsqlDbType.Text, ct);
                await imp.WriteAsync(p.Key, NpgsqlDbType.Text, ct);
                await imp.WriteAsync(p.Qualifier, NpgsqlDbType.Text, ct);
                if (p.Region is { } r) await imp.WriteAsync(Codes.Admdvs(r), NpgsqlDbType.Text, ct); else await imp.WriteNullAsync(ct);
                if (p.InsuType is { } t) await imp.WriteAsync(Codes.Insutype(t), NpgsqlDbType.Text, ct); else await imp.WriteNullAsync(ct);
                await imp.WriteAsync(p.Value, NpgsqlDbType.Bigint, ct);
                await imp.WriteAsync(p.Unit, NpgsqlDbType.Text, ct);
                await imp.WriteAsync(p.EffectiveFrom, NpgsqlDbType.Date, ct);
                if (p.EffectiveTo is { } to) await imp.WriteAsync(to, NpgsqlDbType.Date, ct); else await imp.WriteNullAsync(ct);
                await imp.WriteAsync(PolicyRows.ProvenanceCode(p.Provenance), NpgsqlDbType.Text, ct);
                await imp.WriteAsync(p.Citation, NpgsqlDbType.Text, ct);
                await imp.WriteAsync(p.Note, NpgsqlDbType.Text, ct);
                if (p.Supersedes is { } sup) await imp.WriteAsync(sup, NpgsqlDbType.Integer, ct); else await imp.WriteNullAsync(ct);
            }
            await imp.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
        _log?.WriteLine($"loaded {toInsert.Count} policy parameters");
    }
}
