using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using BatchSettle.Data.Embedded;
using Dapper;
using Npgsql;
using Xunit;

namespace BatchSettle.Dashboard.Tests;

/// <summary>
/// Dashboard hardening (issue 12 item 4), over real HTTP against a real PostgreSQL: no start without users, Host header
/// allow-list, login throttling with lockout, a failed login's cost independent of the name, PBKDF2 strength and no
/// plaintext, security headers on pages, API and Hangfire, refused requests audited, file names not server paths, and
/// a viewer's hand-made POST to Hangfire answered 403 (not 401, which makes a browser prompt again).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardSecurityTests(DashboardFixture fixture)
{
    [Fact]
    public async Task NoUsers_RefusesToStart_NamingTheSetting_InsecureModeOnlyOnLoopback_PlaintextAndWeakHashesRefused()
    {
        await using var db = await fixture.NewDatabaseAsync();
        var noUsers = DashboardFactory.DefaultSettings();
        foreach (var key in noUsers.Keys.Where(k => k.StartsWith("Dashboard:Users", StringComparison.Ordinal)).ToList())
        {
            noUsers.Remove(key);
        }

        var e = Assert.Throws<InvalidOperationException>(() => DashboardHost.Build(DashboardFactory.Builder(db, noUsers)));
        Assert.Contains("Dashboard:Users:0:Name", e.Message, StringComparison.Ordinal);
        Assert.Contains("--hash-password", e.Message, StringComparison.Ordinal);

        var exposed = new Dictionary<string, string?>(noUsers) { ["Dashboard:InsecureNoAuth"] = "true", ["urls"] = "http://0.0.0.0:0" };
        e = Assert.Throws<InvalidOperationException>(() => DashboardHost.Build(DashboardFactory.Builder(db, exposed)));
        Assert.Contains("loopback", e.Message, StringComparison.Ordinal);

        // On loopback, explicitly insecure: every visitor a viewer, nobody acts.
        var insecureSettings = DashboardFactory.DefaultSettings().Keys
            .Where(k => k.StartsWith("Dashboard:Users", StringComparison.Ordinal))
            .ToDictionary(k => k, _ => (string?)null);
        insecureSettings["Dashboard:InsecureNoAuth"] = "true";
        await using (var insecure = new DashboardFactory(db, settings: insecureSettings))
        {
            using var anyone = insecure.ClientAs(null);
            var me = await anyone.GetFromJsonAsync<Me>("/dashboard/api/me");
            Assert.Equal(("anonymous", "viewer", false), (me!.Name, me.Role, me.CanAct));
        }

        var plaintext = DashboardFactory.DefaultSettings();
        plaintext.Remove("Dashboard:Users:0:PasswordHash");
        plaintext["Dashboard:Users:0:Password"] = "pw";
        e = Assert.Throws<InvalidOperationException>(() => DashboardHost.Build(DashboardFactory.Builder(db, plaintext)));
        Assert.Contains("Dashboard:Users:0:Password of 'view' is a plaintext password", e.Message, StringComparison.Ordinal);
        Assert.Contains("Dashboard:AllowPlaintextPasswords", e.Message, StringComparison.Ordinal);

        var weak = DashboardFactory.DefaultSettings();
        weak["Dashboard:Users:1:PasswordHash"] = "pbkdf2-sha256$50000$" + Convert.ToBase64String(new byte[16]) + "$" + Convert.ToBase64String(new byte[32]);
        e = Assert.Throws<InvalidOperationException>(() => DashboardHost.Build(DashboardFactory.Builder(db, weak)));
        Assert.Contains("50,000 iterations, fewer than the 100,000 accepted for an upgrade on login", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("pbkdf2-sha256$600000$", PasswordCheck.Hash("x"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OldHash_AcceptedAndUpgradedOnLogin_To600000_Audited_UsedWhileConfigurationKeepsTheOldHash()
    {
        await using var db = await fixture.NewDatabaseAsync();
        // A hash made the old way (210,000 iterations, as the dashboard made them before session 4).
        var old = PasswordCheck.Hash(DashboardFactory.Password, 210_000);
        var settings = new Dictionary<string, string?> { ["Dashboard:Users:1:PasswordHash"] = old };
        await using (var factory = new DashboardFactory(db, settings: settings))
        {
            using var op = factory.ClientAs(DashboardFactory.Operator);
            Assert.Equal(HttpStatusCode.OK, (await op.GetAsync("/dashboard/api/me")).StatusCode);
            using var wrong = factory.ClientAs(DashboardFactory.Operator, "not-the-password");
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/dashboard/api/me")).StatusCode);
        }

        await using var conn = await db.OpenConnectionAsync();
        var row = await conn.QuerySingleAsync<(string ConfiguredHash, string PasswordHash)>(
            "SELECT configured_hash, password_hash FROM dashboard_credential WHERE name = @name", new { name = DashboardFactory.Operator });
        Assert.Equal(old, row.ConfiguredHash);
        Assert.Equal(600_000, PasswordCheck.IterationsOf(row.PasswordHash));
        Assert.False(PasswordCheck.NeedsUpgrade(row.PasswordHash));
        Assert.Equal(1, await conn.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM audit_action WHERE action = 'password_upgrade' AND actor = @name AND detail LIKE '%210,000 to 600,000%'",
            new { name = DashboardFactory.Operator }));

        // A new process with the same configuration checks the upgraded hash (the row is not rewritten), and the right
        // password still logs in; a wrong one does not.
        await using (var again = new DashboardFactory(db, settings: settings))
        {
            using var op = again.ClientAs(DashboardFactory.Operator);
            Assert.Equal(HttpStatusCode.OK, (await op.GetAsync("/dashboard/api/me")).StatusCode);
            using var wrong = again.ClientAs(DashboardFactory.Operator, "not-the-password");
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/dashboard/api/me")).StatusCode);
        }

        Assert.Equal(row.PasswordHash, await conn.ExecuteScalarAsync<string>(
            "SELECT password_hash FROM dashboard_credential WHERE name = @name", new { name = DashboardFactory.Operator }));
        Assert.Equal(1, await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_action WHERE action = 'password_upgrade'"));
    }

    [Fact]
    public async Task HostHeader_NotAllowed_Refused400_LoopbackAndConfiguredHostsServed()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var factory = new DashboardFactory(db, settings: new Dictionary<string, string?> { ["Dashboard:AllowedHosts:0"] = "dash.example.org" });
        using var op = factory.ClientAs(DashboardFactory.Operator);
        foreach (var (host, expected) in new[]
                 {
                     ("evil.example", HttpStatusCode.BadRequest), ($"127.0.0.1:{factory.Address.Port}", HttpStatusCode.OK),
                     ("localhost", HttpStatusCode.OK), ("dash.example.org", HttpStatusCode.OK), ("rebind.attacker.test:80", HttpStatusCode.BadRequest),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/api/me");
            request.Headers.Host = host;
            Assert.True(expected == (await op.SendAsync(request)).StatusCode, host);
        }
    }

    [Fact]
    public async Task Headers_NosniffNoStoreNoReferrer_OnPagesApiHangfireAndHealth_CspKeptOnPages()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var factory = new DashboardFactory(db);
        using var op = factory.ClientAs(DashboardFactory.Operator);
        foreach (var path in new[] { "/dashboard/", "/dashboard/app.js", "/dashboard/api/me", "/dashboard/api/runs", "/hangfire/", "/healthz" })
        {
            using var response = await op.GetAsync(path);
            Assert.True(response.IsSuccessStatusCode, path);
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
        }

        using var page = await op.GetAsync("/dashboard/");
        Assert.Contains("default-src 'self'", string.Join(",", page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        using var anonymous = factory.ClientAs(null);
        using var refused = await anonymous.GetAsync("/dashboard/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("no-store", refused.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Login_ThrottledPerUserAndPerAddress_LockoutRefusesEvenTheRightPassword_429_Audited()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var factory = new DashboardFactory(db, settings: new Dictionary<string, string?>
        {
            ["Dashboard:Login:MaxFailuresPerUser"] = "3",
            ["Dashboard:Login:MaxFailuresPerAddress"] = "6",
            ["Dashboard:Login:Lockout"] = "00:10:00",
        });
        using var wrongOp = factory.ClientAs(DashboardFactory.Operator, "wrong");
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrongOp.GetAsync("/dashboard/api/me")).StatusCode);
        }

        // The name is locked: the right password is refused too, with 429 and Retry-After, and no new Basic prompt.
        using var rightOp = factory.ClientAs(DashboardFactory.Operator);
        using var locked = await rightOp.GetAsync("/dashboard/api/me");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True(locked.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(9));
        Assert.Empty(locked.Headers.WwwAuthenticate);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await rightOp.GetAsync("/hangfire/")).StatusCode);

        // Another name from the same address still logs in, until the address's own limit (6 failures) is reached.
        using var viewer = factory.ClientAs(DashboardFactory.Viewer);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/dashboard/api/me")).StatusCode);
        for (int i = 0; i < 3; i++)
        {
            using var guess = factory.ClientAs($"nobody{i}", "guess");
            Assert.Equal(HttpStatusCode.Unauthorized, (await guess.GetAsync("/dashboard/api/me")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await viewer.GetAsync("/dashboard/api/me")).StatusCode);

        await using var conn = await db.OpenConnectionAsync();
        var audit = (await conn.QueryAsync<(string Actor, string Action, string Outcome, string Detail)>(
            "SELECT actor, action, outcome, detail FROM audit_action WHERE action = 'login' ORDER BY audit_id")).ToList();
        Assert.All(audit, a => Assert.Equal("refused", a.Outcome));
        Assert.Equal(6, audit.Count(a => a.Detail.StartsWith("refused: unknown user or wrong password", StringComparison.Ordinal)));
        Assert.Contains(audit, a => a.Actor == DashboardFactory.Operator && a.Detail.Contains("now locked out", StringComparison.Ordinal));
        // A lockout's refusals are audited once, not once per request.
        Assert.Equal(1, audit.Count(a => a.Actor == DashboardFactory.Operator && a.Detail.StartsWith("refused: locked out", StringComparison.Ordinal)));
        Assert.Contains(audit, a => a.Actor == DashboardFactory.Viewer && a.Detail.StartsWith("refused: locked out", StringComparison.Ordinal));
    }

    [Fact]
    public void FailedLogin_CostsTheSame_ForAnUnknownName_AndAWrongPassword()
    {
        var users = new List<DashboardUserOptions>
        {
            new() { Name = "alice", PasswordHash = DashboardFactory.PasswordHash, Role = DashboardRoles.Operator },
            new() { Name = "bob", PasswordHash = DashboardFactory.PasswordHash, Role = DashboardRoles.Viewer },
        };
        Assert.NotNull(BasicAuthenticationHandler.Find(users, "alice", DashboardFactory.Password, allowPlaintext: false));
        Assert.Null(BasicAuthenticationHandler.Find(users, "alice", "wrong", allowPlaintext: false));
        Assert.Null(BasicAuthenticationHandler.Find(users, "mallory", DashboardFactory.Password, allowPlaintext: false));

        // Medians of alternating measurements: an early exit for an unknown name (the old code) made it ~0 ms against
        // a PBKDF2's hundreds; the bound is loose because this machine is shared.
        var unknown = new List<double>();
        var wrong = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            unknown.Add(Time(() => BasicAuthenticationHandler.Find(users, "mallory" + i, "guess", false)));
            wrong.Add(Time(() => BasicAuthenticationHandler.Find(users, "bob", "guess" + i, false)));
        }

        double ratio = Median(unknown) / Median(wrong);
        Assert.True(ratio is > 0.4 and < 2.5, $"unknown name {Median(unknown):F1} ms, wrong password {Median(wrong):F1} ms");

        static double Time(Action a)
        {
            var sw = Stopwatch.StartNew();
            a();
            return sw.Elapsed.TotalMilliseconds;
        }

        static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
    }

    [Fact]
    public async Task RefusedRequests_WrongRole_NoActionHeader_ForeignOrigin_HangfireViewerPost403_AllAudited()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var factory = new DashboardFactory(db);
        await HangfireDashboardTests.DeclareSchedulesAsync(factory);
        using var viewer = factory.ClientAs(DashboardFactory.Viewer);
        using var op = factory.ClientAs(DashboardFactory.Operator);

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.SendAsync(DashboardFactory.Action($"/dashboard/api/batches/{DashboardFixture.Benxi}/trigger"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.SendAsync(DashboardFactory.Action($"/dashboard/api/batches/{DashboardFixture.Benxi}/trigger", header: false))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.SendAsync(DashboardFactory.Action($"/dashboard/api/batches/{DashboardFixture.Benxi}/trigger", origin: "http://evil.example"))).StatusCode);

        // A viewer's hand-made POST to Hangfire: authenticated but not allowed = 403, without a new Basic challenge.
        using var hangfire = await viewer.PostAsync("/hangfire/recurring/trigger", new FormUrlEncodedContent([new("jobs[]", "month-end:210500")]));
        Assert.Equal(HttpStatusCode.Forbidden, hangfire.StatusCode);
        Assert.Empty(hangfire.Headers.WwwAuthenticate);

        await using var conn = await db.OpenConnectionAsync();
        var audit = (await conn.QueryAsync<(string Actor, string Role, string Action, string Target, string Outcome, string Detail)>(
            "SELECT actor, role, action, target, outcome, detail FROM audit_action ORDER BY audit_id")).ToList();
        string trigger = $"POST /dashboard/api/batches/{DashboardFixture.Benxi}/trigger";
        Assert.Equal(
        [
            (DashboardFactory.Viewer, "viewer", "refused_request", trigger, "refused", "refused: role viewer may not act (HTTP 403)"),
            (DashboardFactory.Operator, "operator", "refused_request", trigger, "refused", "refused: actions need the X-BatchSettle-Action header (HTTP 403)"),
            (DashboardFactory.Operator, "operator", "refused_request", trigger, "refused", "refused: cross-origin action from http://evil.example (HTTP 403)"),
            (DashboardFactory.Viewer, "viewer", "hangfire:recurring/trigger", "month-end:210500", "refused", "refused: role viewer may not act (HTTP 403)"),
        ], audit);
    }

    [Fact]
    public async Task Health_200WhenDatabaseUpAndSchemaCurrent_503WhenBehindOrStopped_NoLoginNoSecrets_RecoversAfterRestart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "batchsettle-health-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new EmbeddedPostgresOptions { DataDir = dir, Durable = false };
        var pg = await EmbeddedPostgres.StartAsync(options);
        try
        {
            await using var db = await pg.CreateMigratedDatabaseAsync("hc_db1");
            await using var factory = new DashboardFactory(db);
            using var anonymous = factory.ClientAs(null);

            using (var ok = await anonymous.GetAsync("/healthz"))
            {
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
                var body = await ok.Content.ReadAsStringAsync();
                var report = System.Text.Json.JsonSerializer.Deserialize<HealthReport>(body, System.Text.Json.JsonSerializerOptions.Web)!;
                Assert.Equal(("healthy", "reachable", "current", 0), (report.Status, report.Database, report.Schema, report.Pending));
                Assert.True(report.Migrations > 25, body);
                AssertNoSecrets(body, db.ConnectionString!);
            }

            // A database nobody migrated: reachable, schema behind.
            await pg.CreateDatabaseAsync("hc_db2");
            await using (var empty = Data.Infrastructure.BatchSettleDatabase.CreateDataSource(pg.ConnectionString("hc_db2"), "health-test"))
            await using (var behindFactory = new DashboardFactory(empty))
            using (var client = behindFactory.ClientAs(null))
            using (var behind = await client.GetAsync("/healthz"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, behind.StatusCode);
                var report = await behind.Content.ReadFromJsonAsync<HealthReport>();
                Assert.Equal(("unhealthy", "reachable", "behind"), (report!.Status, report.Database, report.Schema));
                Assert.Equal(report.Migrations + 1, report.Pending);
            }

            await pg.StopAsync();
            // Idle pooled connections died with the server; the fixture's own start-up must not pick one up.
            NpgsqlConnection.ClearAllPools();
            using (var down = await anonymous.GetAsync("/healthz"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
                var body = await down.Content.ReadAsStringAsync();
                var report = System.Text.Json.JsonSerializer.Deserialize<HealthReport>(body, System.Text.Json.JsonSerializerOptions.Web)!;
                Assert.Equal(("unhealthy", "unreachable"), (report.Status, report.Database));
                AssertNoSecrets(body, db.ConnectionString!);
            }

            pg = await EmbeddedPostgres.StartAsync(options);
            // Back by itself: the next checks open fresh connections (a pooled one that died may cost one 503).
            var status = HttpStatusCode.ServiceUnavailable;
            for (int i = 0; i < 20 && status != HttpStatusCode.OK; i++)
            {
                status = (await anonymous.GetAsync("/healthz")).StatusCode;
                await Task.Delay(status == HttpStatusCode.OK ? 0 : 500);
            }

            Assert.Equal(HttpStatusCode.OK, status);
        }
        finally
        {
            await pg.StopAsync();
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task Quarantine_ShowsTheInputFileName_NeverTheServerPath()
    {
        await using var db = await fixture.NewLoadedDatabaseAsync(persons: 300, claims: 3_000);
        await using var factory = new DashboardFactory(db);
        using var op = factory.ClientAs(DashboardFactory.Operator);
        Assert.True((await op.SendAsync(DashboardFactory.Action($"/dashboard/api/batches/{DashboardFixture.Benxi}/trigger"))).IsSuccessStatusCode);
        await using var conn = await db.OpenConnectionAsync();
        long runId = 0;
        for (int i = 0; i < 600 && runId == 0; i++)
        {
            runId = await conn.ExecuteScalarAsync<long?>(
                "SELECT run_id FROM run WHERE batch_id = @b AND status LIKE 'succeeded%'", new { b = DashboardFixture.Benxi }) ?? 0;
            await Task.Delay(200);
        }

        Assert.NotEqual(0, runId);
        Assert.True(await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM quarantine WHERE run_id = @runId AND source_file LIKE '/%claims.csv'", new { runId }) > 0);
        var page = await op.GetStringAsync($"/dashboard/api/runs/{runId}/quarantine");
        Assert.Contains("\"sourceFile\":\"claims.csv\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("\"sourceFile\":\"/", page, StringComparison.Ordinal);
    }

    private static void AssertNoSecrets(string body, string connectionString)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        Assert.DoesNotContain(csb.Database!, body, StringComparison.Ordinal);
        Assert.DoesNotContain(csb.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), body, StringComparison.Ordinal);
        Assert.DoesNotContain(csb.Host!, body, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", body, StringComparison.OrdinalIgnoreCase);
    }
}
