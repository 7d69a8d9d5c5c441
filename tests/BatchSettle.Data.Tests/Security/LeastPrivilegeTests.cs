using BatchSettle.Data.Export;
using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Security;

/// <summary>
/// Issue 12, item 3: the product works as the runtime role, which can append but not rewrite history; the embedded
/// server asks for passwords.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LeastPrivilegeTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;

    private async Task<(NpgsqlDataSource Admin, NpgsqlDataSource Runtime)> DatabasesAsync()
    {
        var admin = await pg.NewDatabaseAsync();
        string db = new NpgsqlConnectionStringBuilder(admin.ConnectionString).Database!;
        return (admin, BatchSettleDatabase.CreateDataSource(pg.Cluster.RuntimeConnectionString(db), "runtime-test"));
    }

    [Fact]
    public async Task RuntimeRole_RunsTheWholeFlow_ButCannotRewriteResultsOrLedger()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(10);
        var (admin, runtime) = await DatabasesAsync();
        await using var _ = admin;
        await using var __ = runtime;
        await using (var who = await runtime.OpenConnectionAsync())
        {
            Assert.Equal(DbRoles.Runtime, await who.ExecuteScalarAsync<string>("SELECT current_user"));
            Assert.False(await who.ExecuteScalarAsync<bool>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
        }
        // The product as the runtime role: migrate (a check only), load, run, reconcile, export.
        await new global::BatchSettle.Data.Migrations.MigrationRunner(runtime, global::BatchSettle.Data.Migrations.SqlLocator.Find()).MigrateAsync();
        var loader = new StagingLoader(runtime, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var run = await new BatchRunner(runtime, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 2 });
        Assert.True(run.Succeeded, run.Format());
        var report = await new Reconciler(runtime).ReconcileAsync(TestData.Batch);
        Assert.True(report.Balanced, string.Join("\n", report.Differences));
        Assert.Equal(run.Claims, await new BatchExporter(runtime).ExportResultsAsync(TestData.Batch, Path.Combine(data.Dir, "r.csv")));

        await using var c = await runtime.OpenConnectionAsync();
        string[] refused =
        [
            "UPDATE settlement_result SET hifp_pay = hifp_pay + 1000000 WHERE status = 'settled'",
            "DELETE FROM settlement_result",
            "TRUNCATE settlement_result",
            "ALTER TABLE settlement_result DISABLE TRIGGER settlement_result_no_update",
            "ALTER TABLE settlement_result DROP CONSTRAINT settled_identities",
            "UPDATE ledger_line SET debit = debit + 1000000",
            "DELETE FROM ledger_line",
            "TRUNCATE ledger_line",
            "ALTER TABLE ledger_line DISABLE TRIGGER ledger_line_no_update",
            "ALTER TABLE ledger_line DISABLE TRIGGER ALL",
            "DROP TRIGGER ledger_line_no_update ON ledger_line",
            "TRUNCATE run CASCADE",
            "UPDATE quarantine SET reason = 'x'",
            "UPDATE policy_param SET value = value + 1",
            "COPY (SELECT 1) TO PROGRAM 'id'",
            "COPY ledger_line FROM PROGRAM 'true'",
            "CREATE TABLE evil (x int)",
            "ALTER ROLE CURRENT_USER SUPERUSER",
        ];
        foreach (var sql in refused)
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(sql));
            Assert.True(e.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {e.SqlState} {e.MessageText}");
        }
        Assert.True((await new Reconciler(runtime).ReconcileAsync(TestData.Batch)).Balanced);

        // Every view reads as the runtime role (finance-export failed on settlement_subledger on a fresh database).
        var views = (await c.QueryAsync<string>(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm') ORDER BY 1")).ToList();
        Assert.Contains("settlement_subledger", views);
        foreach (var view in views)
        {
            await c.ExecuteScalarAsync<long>($"SELECT count(*) FROM \"{view}\"");
        }
        Assert.False(await c.ExecuteScalarAsync<bool>("SELECT has_table_privilege(current_user, 'settlement_subledger', 'INSERT, UPDATE, DELETE')"));
    }

    [Fact]
    public async Task SuperuserToo_IsStoppedByTheAppendOnlyTriggerOnResults()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(5);
        await using var admin = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(admin, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        await new BatchRunner(admin, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions());
        await using var c = await admin.OpenConnectionAsync();
        foreach (var sql in new[] { "UPDATE settlement_result SET hifp_pay = 1", "DELETE FROM settlement_result", "TRUNCATE settlement_result" })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(sql));
            Assert.Contains("append-only", e.MessageText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SuperuserEdit_ResultsAndLedgerRaisedTogether_ReportedByReconcile()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(8);
        await using var admin = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(admin, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var run = await new BatchRunner(admin, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions());
        Assert.True((await new Reconciler(admin).ReconcileAsync(TestData.Batch)).Balanced);
        await using var c = await admin.OpenConnectionAsync();

        // The attack of issue 12: triggers off, one paid claim raised by 10,000 yuan in its result and its ledger entry,
        // consistently, so that results and ledger still agree.
        await c.ExecuteAsync(
            """
            ALTER TABLE settlement_result DISABLE TRIGGER USER;
            ALTER TABLE ledger_line DISABLE TRIGGER USER;
            WITH v AS (SELECT claim_seq FROM settlement_result WHERE status = 'settled' AND hifp_pay > 0 ORDER BY claim_seq LIMIT 1)
            UPDATE settlement_result r SET hifp_pay = hifp_pay + 1000000, fund_pay_sumamt = fund_pay_sumamt + 1000000,
                   psn_part_amt = psn_part_amt - 1000000 FROM v WHERE r.claim_seq = v.claim_seq;
            WITH v AS (SELECT claim_seq FROM settlement_result WHERE status = 'settled' AND hifp_pay > 0 ORDER BY claim_seq LIMIT 1)
            UPDATE ledger_line l SET debit = debit + CASE WHEN account = 'benefit_expense' AND fund_pay_type IN ('310100', '390100') THEN 1000000
                                                     WHEN account = 'memo_personal_share' THEN -1000000 ELSE 0 END,
                                     credit = credit + CASE WHEN account = 'payable_facility' AND fund_pay_type IN ('310100', '390100') THEN 1000000
                                                      WHEN account = 'memo_facility_collected' THEN -1000000 ELSE 0 END
            FROM v WHERE l.entry_id = v.claim_seq;
            ALTER TABLE settlement_result ENABLE TRIGGER USER;
            ALTER TABLE ledger_line ENABLE TRIGGER USER;
            """);
        var report = await new Reconciler(admin).ReconcileAsync(TestData.Batch);
        Assert.False(report.Balanced);
        Assert.Contains(report.Differences, d => d.Contains($"run {run.RunId}: results or ledger lines changed since the run sealed them", StringComparison.Ordinal));
        // The money checks alone would not have seen it: results and ledger still agree per fund and facility.
        Assert.DoesNotContain(report.Differences, d => d.StartsWith("fund ", StringComparison.Ordinal) || d.StartsWith("facility ", StringComparison.Ordinal));

        // Re-sealing without the key does not help: the seal is an HMAC under a key outside the database.
        await c.ExecuteAsync(
            """
            ALTER TABLE run_seal DISABLE TRIGGER USER;
            UPDATE run_seal s SET digest = d.digest FROM run_digest(@r) d WHERE s.run_id = @r;
            ALTER TABLE run_seal ENABLE TRIGGER USER;
            """, new { r = run.RunId });
        report = await new Reconciler(admin).ReconcileAsync(TestData.Batch);
        Assert.Contains(report.Differences, d => d.Contains($"run {run.RunId}: its seal does not verify", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Differences, d => d.Contains("changed since", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TablesAddedByLaterMigrations_GetRuntimeGrantsByTheRule()
    {
        var (admin, runtime) = await DatabasesAsync();
        await using var _ = admin;
        await using var __ = runtime;
        await using (var a = await admin.OpenConnectionAsync())
        {
            // As a later helper's migration would: one ordinary table, one append-only table, in a new schema too.
            await a.ExecuteAsync(
                """
                CREATE TABLE later_mutable (id bigserial PRIMARY KEY, v int);
                CREATE TABLE later_journal (id bigserial PRIMARY KEY, v int);
                CREATE TRIGGER later_journal_no_update BEFORE UPDATE OR DELETE ON later_journal
                    FOR EACH ROW EXECUTE FUNCTION refuse_change('history');
                """);
        }
        await new global::BatchSettle.Data.Migrations.MigrationRunner(admin, global::BatchSettle.Data.Migrations.SqlLocator.Find()).MigrateAsync();

        await using var c = await runtime.OpenConnectionAsync();
        await c.ExecuteAsync("INSERT INTO later_mutable (v) VALUES (1); UPDATE later_mutable SET v = 2; DELETE FROM later_mutable");
        await c.ExecuteAsync("INSERT INTO later_journal (v) VALUES (1)");
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM later_journal"));
        var e = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync("UPDATE later_journal SET v = 2"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        Assert.Contains("permission denied", e.MessageText, StringComparison.Ordinal);
        await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync("TRUNCATE later_mutable"));
    }

    [Fact]
    public async Task EmbeddedServer_AsksForPasswords_SecretsFileIsOwnerOnly()
    {
        string secrets = pg.Cluster.SecretsFile;
        Assert.True(File.Exists(secrets));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secrets));
        var hba = await File.ReadAllTextAsync(Path.Combine(pg.Cluster.ClusterDir, "pg_hba.conf"));
        Assert.DoesNotContain("trust", hba.Split('\n').Where(l => !l.StartsWith('#')), StringComparer.Ordinal);
        Assert.Contains("scram-sha-256", hba, StringComparison.Ordinal);

        foreach (var user in new[] { "postgres", DbRoles.Runtime })
        {
            var csb = new NpgsqlConnectionStringBuilder(pg.Cluster.ConnectionString("postgres")) { Username = user, Password = null, Pooling = false };
            await using var none = new NpgsqlConnection(csb.ConnectionString);
            await Assert.ThrowsAnyAsync<Exception>(() => none.OpenAsync());
            csb.Password = "wrong";
            await using var wrong = new NpgsqlConnection(csb.ConnectionString);
            var e = await Assert.ThrowsAsync<PostgresException>(() => wrong.OpenAsync());
            Assert.Equal(PostgresErrorCodes.InvalidPassword, e.SqlState);
        }
        await using var ok = new NpgsqlConnection(pg.Cluster.ConnectionString("postgres"));
        await ok.OpenAsync();
        Assert.StartsWith("SCRAM-SHA-256$", await ok.ExecuteScalarAsync<string>("SELECT rolpassword FROM pg_authid WHERE rolname = @r", new { r = DbRoles.Runtime }));
    }
}
