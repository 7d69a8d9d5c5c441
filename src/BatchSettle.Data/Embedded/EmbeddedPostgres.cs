using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace BatchSettle.Data.Embedded;

/// <summary>
/// A private PostgreSQL cluster run with the machine's initdb/pg_ctl, listening on loopback only with password
/// (SCRAM-SHA-256) authentication: the superuser's and the runtime role's passwords are generated at init and kept
/// in <c>secrets</c> (mode 0600) in the data folder; a cluster made before (trust) is switched over on its next start.
/// Used by the CLI when BATCHSETTLE_DB is not set (cluster under <c>&lt;checkout&gt;/.data/pg</c>, left running between
/// commands) and by test fixtures (a temporary folder). PostgreSQL refuses to run as root: as root the tools run via
/// <c>runuser -u postgres --</c> and the data folder is handed to that user.
/// </summary>
public sealed class EmbeddedPostgres
{
    private const string ServiceUser = "postgres";
    private readonly EmbeddedPostgresOptions _options;
    private readonly string _bin;

    private EmbeddedPostgres(EmbeddedPostgresOptions options, string bin, int port)
    {
        _options = options;
        _bin = bin;
        Port = port;
    }

    public int Port { get; private set; }

    public string ClusterDir => Path.Combine(_options.DataDir, "cluster");

    private string PortFile => Path.Combine(_options.DataDir, "port");

    private string LogFile => Path.Combine(_options.DataDir, "postgres.log");

    /// <summary>The generated passwords (mode 0600): <c>superuser=…</c> and <c>runtime=…</c>, one a line.</summary>
    public string SecretsFile => Path.Combine(_options.DataDir, "secrets");

    private Dictionary<string, string> _secrets = new(StringComparer.Ordinal);

    /// <summary>
    /// Connection string of a database on this cluster as the superuser (default: the options' database): for the
    /// migrations and administration, not for the product's work (<see cref="RuntimeConnectionString"/>).
    /// </summary>
    public string ConnectionString(string? database = null) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = ServiceUser,
        Password = _secrets.GetValueOrDefault("superuser"),
        // A data source built from this string keeps the password in its ConnectionString, so whoever derives another
        // data source from it (the Hangfire storage of an in-process dashboard, a worker process a test starts) can log
        // in under SCRAM. Local embedded server only.
        PersistSecurityInfo = true,
        Database = database ?? _options.Database,
        Pooling = true,
        MaxPoolSize = 64,
    }.ConnectionString;

    /// <summary>Connection string of a database as the runtime role (<see cref="Infrastructure.DbRoles.Runtime"/>).</summary>
    public string RuntimeConnectionString(string? database = null) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Infrastructure.DbRoles.Runtime,
        Password = _secrets.GetValueOrDefault("runtime"),
        Database = database ?? _options.Database,
        Pooling = true,
        MaxPoolSize = 64,
    }.ConnectionString;

    /// <summary>
    /// Lets the runtime role log in with its generated password (the migrations create it NOLOGIN). Call after
    /// migrating; does nothing when it can log in already.
    /// </summary>
    public async Task EnsureRuntimeLoginAsync(string? database = null, CancellationToken ct = default)
    {
        try
        {
            await using var probe = new NpgsqlConnection(RuntimeConnectionString(database) + ";Pooling=false");
            await probe.OpenAsync(ct);
            return;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            // Not yet allowed to log in, or another password: set it below.
        }
        await using var conn = new NpgsqlConnection(ConnectionString(database));
        await conn.OpenAsync(ct);
        // Hex only, so the literal needs no quoting beyond the quotes.
        await using var cmd = new NpgsqlCommand(
            $"ALTER ROLE \"{Infrastructure.DbRoles.Runtime.Replace("\"", "\"\"", StringComparison.Ordinal)}\" LOGIN PASSWORD '{_secrets["runtime"]}'", conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Initialises the cluster when needed, starts it when not running, and makes sure the database exists.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.DataDir);
        string bin = FindBinDir();
        // Two CLI calls at once must not both initialise or start the cluster.
        using var gate = await AcquireFileLockAsync(Path.Combine(options.DataDir, "lock"), ct);
        var pg = new EmbeddedPostgres(options, bin, 0);
        pg.Port = pg.ReadOrPickPort();
        if (!File.Exists(Path.Combine(pg.ClusterDir, "PG_VERSION"))) await pg.InitAsync(ct);
        if (!await pg.IsRunningAsync(ct)) await pg.StartServerAsync(ct);
        await pg.EnsurePasswordAuthAsync(ct);
        await pg.EnsureDatabaseAsync(options.Database, ct);
        return pg;
    }

    /// <summary>Stops the cluster in <paramref name="dataDir"/> if it runs; true when it was running.</summary>
    public static async Task<bool> StopAsync(string dataDir, CancellationToken ct = default)
    {
        var pg = new EmbeddedPostgres(new EmbeddedPostgresOptions { DataDir = dataDir }, FindBinDir(), 0);
        if (!Directory.Exists(pg.ClusterDir) || !await pg.IsRunningAsync(ct)) return false;
        var r = await pg.RunToolAsync("pg_ctl", ["stop", "-D", pg.ClusterDir, "-m", "fast", "-w"], ct);
        if (r.ExitCode != 0) throw new InvalidOperationException($"pg_ctl stop failed: {r.Output}");
        return true;
    }

    /// <summary>Creates a database (for tests: one per test).</summary>
    public async Task CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A fresh database with the product's schema and policy data (test fixtures: one per test). The caller owns the
    /// returned data source.
    /// </summary>
    public async Task<NpgsqlDataSource> CreateMigratedDatabaseAsync(string name, CancellationToken ct = default)
    {
        await CreateDatabaseAsync(name, ct);
        var ds = Infrastructure.BatchSettleDatabase.CreateDataSource(ConnectionString(name), "batchsettle-test");
        await new Migrations.MigrationRunner(ds, Migrations.SqlLocator.Find()).MigrateAsync(ct);
        await EnsureRuntimeLoginAsync(name, ct);
        return ds;
    }

    /// <summary>Stops this cluster (fast shutdown).</summary>
    public Task<bool> StopAsync(CancellationToken ct = default) => StopAsync(_options.DataDir, ct);

    private async Task EnsureDatabaseAsync(string name, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = name });
        if (await cmd.ExecuteScalarAsync(ct) is null)
        {
            try
            {
                await CreateDatabaseAsync(name, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Another process created it first.
            }
        }
    }

    private int ReadOrPickPort()
    {
        if (File.Exists(PortFile)
            && int.TryParse(File.ReadAllText(PortFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int p))
        {
            return p;
        }
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        File.WriteAllText(PortFile, port.ToString(CultureInfo.InvariantCulture) + "\n");
        return port;
    }

    private async Task InitAsync(CancellationToken ct)
    {
        if (Directory.Exists(ClusterDir)) Directory.Delete(ClusterDir, recursive: true);
        Directory.CreateDirectory(ClusterDir);
        await HandToServiceUserAsync(ct);
        WriteSecrets(new Dictionary<string, string>(StringComparer.Ordinal) { ["superuser"] = NewSecret(), ["runtime"] = NewSecret() });
        string pwFile = Path.Combine(_options.DataDir, "initdb.pw");
        WritePrivate(pwFile, _secrets["superuser"] + "\n");
        await HandToServiceUserAsync(ct);
        ToolResult r;
        try
        {
            r = await RunToolAsync("initdb",
                ["-D", ClusterDir, "-U", ServiceUser, "--auth=scram-sha-256", "--pwfile=" + pwFile, "-E", "UTF8", "--locale=C", "--no-instructions"], ct);
        }
        finally
        {
            File.Delete(pwFile);
        }
        if (r.ExitCode != 0) throw new InvalidOperationException($"initdb failed ({r.ExitCode}): {r.Output}");

        // Loopback only, no Unix socket (its default folder may not exist or be writable), trust on 127.0.0.1 only.
        var conf = new List<string>
        {
            "",
            "# batchsettle embedded cluster",
            "listen_addresses = '127.0.0.1'",
            $"port = {Port.ToString(CultureInfo.InvariantCulture)}",
            "unix_socket_directories = ''",
            "max_connections = 200",
            // Sized for month-end batches of millions of claims (docs/PERFORMANCE.md): the result and ledger indexes
            // of a 5M-claim batch stay in shared buffers, WAL is flushed in large writes, and checkpoints are rare
            // enough that a run writes few full-page images. Durability is unchanged (fsync, synchronous_commit and
            // full_page_writes keep their defaults unless Durable is false).
            "shared_buffers = 1GB",
            "wal_buffers = 64MB",
            "max_wal_size = 16GB",
            "min_wal_size = 1GB",
            "checkpoint_timeout = 30min",
            "checkpoint_completion_target = 0.9",
            "work_mem = 64MB",
            "maintenance_work_mem = 256MB",
            // Full-page images compressed: the first change of a page after a checkpoint logs the whole page (the
            // accumulator upserts and any index filled out of order touch many pages). Compression costs a little CPU
            // and changes nothing about durability (full_page_writes stays on).
            "wal_compression = lz4",
        };
        if (!_options.Durable)
        {
            conf.Add("fsync = off");
            conf.Add("synchronous_commit = off");
            conf.Add("full_page_writes = off");
        }
        await File.AppendAllLinesAsync(Path.Combine(ClusterDir, "postgresql.conf"), conf, ct);
        await File.WriteAllTextAsync(Path.Combine(ClusterDir, "pg_hba.conf"), HbaConf, ct);
        await HandToServiceUserAsync(ct);
    }

    private const string HbaConf = "# batchsettle embedded cluster: loopback only, passwords (SCRAM-SHA-256) from the secrets file\n"
        + "host all all 127.0.0.1/32 scram-sha-256\n";

    /// <summary>
    /// Reads the secrets; a cluster made before passwords (trust, no secrets file) gets them now: the superuser's
    /// password set over the still-trusted connection, then pg_hba switched to SCRAM and reloaded.
    /// </summary>
    private async Task EnsurePasswordAuthAsync(CancellationToken ct)
    {
        if (File.Exists(SecretsFile))
        {
            _secrets = ReadSecrets();
            return;
        }
        string hba = Path.Combine(ClusterDir, "pg_hba.conf");
        if (!(await File.ReadAllTextAsync(hba, ct)).Contains(" trust", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"{SecretsFile} is missing but the cluster in {ClusterDir} requires passwords: restore the file, or stop the cluster and delete {_options.DataDir} to start over");
        }
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal) { ["superuser"] = NewSecret(), ["runtime"] = NewSecret() };
        await using (var conn = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand($"SET password_encryption = 'scram-sha-256'; ALTER ROLE {ServiceUser} PASSWORD '{secrets["superuser"]}'", conn);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        WriteSecrets(secrets);
        await File.WriteAllTextAsync(hba, HbaConf, ct);
        await HandToServiceUserAsync(ct);
        var r = await RunToolAsync("pg_ctl", ["reload", "-D", ClusterDir], ct);
        if (r.ExitCode != 0) throw new InvalidOperationException($"pg_ctl reload failed: {r.Output}");
        NpgsqlConnection.ClearAllPools();
    }

    private static string NewSecret() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    private void WriteSecrets(Dictionary<string, string> secrets)
    {
        WritePrivate(SecretsFile, string.Concat(secrets.Select(kv => $"{kv.Key}={kv.Value}\n")));
        _secrets = secrets;
    }

    private Dictionary<string, string> ReadSecrets()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(SecretsFile))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) d[line[..eq]] = line[(eq + 1)..].Trim();
        }
        if (!d.ContainsKey("superuser") || !d.ContainsKey("runtime")) throw new InvalidOperationException($"{SecretsFile}: superuser or runtime secret missing");
        return d;
    }

    /// <summary>Writes a file readable by its owner only (created 0600, never world-readable in between).</summary>
    private static void WritePrivate(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var fs = new FileStream(path, options))
        using (var w = new StreamWriter(fs))
        {
            w.Write(text);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        await HandToServiceUserAsync(ct);
        // The port in postgresql.conf is the one remembered at init; pass it again in case the port file changed.
        var r = await RunToolAsync("pg_ctl",
            ["start", "-D", ClusterDir, "-l", LogFile, "-w", "-t", "60", "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)}"], ct);
        if (r.ExitCode != 0)
        {
            string log = File.Exists(LogFile) ? string.Join('\n', (await File.ReadAllLinesAsync(LogFile, ct)).TakeLast(15)) : "";
            throw new InvalidOperationException($"pg_ctl start failed ({r.ExitCode}): {r.Output}\n{log}");
        }
    }

    private async Task<bool> IsRunningAsync(CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(ClusterDir, "postmaster.pid"))) return false;
        var r = await RunToolAsync("pg_ctl", ["status", "-D", ClusterDir], ct);
        return r.ExitCode == 0;
    }

    private async Task HandToServiceUserAsync(CancellationToken ct)
    {
        if (!IsRoot) return;
        // chown -R: the log file and port file too; the cluster folder must be 0700 for postgres to start.
        var r = await RunProcessAsync("chown", ["-R", $"{ServiceUser}:", _options.DataDir], ct);
        if (r.ExitCode != 0) throw new InvalidOperationException($"chown of {_options.DataDir} failed: {r.Output}");
        if (Directory.Exists(ClusterDir) && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(ClusterDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private Task<ToolResult> RunToolAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        string exe = Path.Combine(_bin, tool);
        if (!IsRoot) return RunProcessAsync(exe, args, ct);
        return RunProcessAsync("runuser", ["-u", ServiceUser, "--", exe, .. args], ct);
    }

    // Environment.UserName is the effective user's name on Unix (getpwuid(geteuid())).
    private static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    private static async Task<ToolResult> RunProcessAsync(string exe, IReadOnlyList<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server must not run in a folder the service user cannot enter.
            WorkingDirectory = "/",
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return new ToolResult(p.ExitCode, (await stdout + await stderr).Trim());
    }

    /// <summary>The folder with initdb and pg_ctl: PATH first, then the newest /usr/lib/postgresql/*/bin.</summary>
    public static string FindBinDir()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                // Debian's /usr/local or /usr/bin entries may be symlinks to the versioned folder; resolve so that
                // pg_ctl finds its sibling postgres binary.
                var target = new FileInfo(Path.Combine(dir, "pg_ctl")).ResolveLinkTarget(returnFinalTarget: true);
                return target is null ? dir : Path.GetDirectoryName(target.FullName)!;
            }
        }
        const string Root = "/usr/lib/postgresql";
        if (Directory.Exists(Root))
        {
            var best = Directory.GetDirectories(Root)
                .Select(d => (Dir: Path.Combine(d, "bin"), Ver: int.TryParse(Path.GetFileName(d), out int v) ? v : 0))
                .Where(x => File.Exists(Path.Combine(x.Dir, "initdb")))
                .OrderByDescending(x => x.Ver)
                .FirstOrDefault();
            if (best.Dir is not null) return best.Dir;
        }
        throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin; install postgresql-15 or set BATCHSETTLE_DB");
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, CancellationToken ct)
    {
        for (int i = 0; ; i++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (i < 600)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    private readonly record struct ToolResult(int ExitCode, string Output);
}
