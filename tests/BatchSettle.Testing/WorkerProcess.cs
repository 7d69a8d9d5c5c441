using System.Diagnostics;
using System.Globalization;
using BatchSettle.Data.Infrastructure;

namespace BatchSettle.Testing;

/// <summary>
/// A real <c>batchsettle worker</c> process (the built executable run with <c>dotnet</c>), pointed at a test database
/// through BATCHSETTLE_DB, its output kept in a log file. Settings are small and fast: a killed worker's partition is
/// fetched again after <see cref="InvisibilityTimeout"/>, queues are polled every 0.3 s, schedules every second, and
/// 50-claim chunks with a short pause make a run last long enough to be hit mid-way.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;

    private WorkerProcess(Process process, StreamWriter log, string logPath, string name)
    {
        this.process = process;
        this.log = log;
        LogPath = logPath;
        Name = name;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The built batchsettle.dll beside the test assembly (a test project referencing BatchSettle.Cli gets the executable copied there).</summary>
    public static string ExecutablePath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "batchsettle.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("batchsettle.dll not built beside the tests", path);
        }
    }

    /// <summary>The tests' invisibility timeout (production: 5 min).</summary>
    public static readonly TimeSpan InvisibilityTimeout = TimeSpan.FromSeconds(8);

    public static WorkerProcess Start(
        string connectionString, string logDir, string name, int parallelism = 2, TimeSpan? chunkPause = null, params string[] extraArgs)
    {
        var args = new[]
        {
            "worker",
            "--partitions", ClusterFixture.Partitions.ToString(CultureInfo.InvariantCulture),
            "--parallelism", parallelism.ToString(CultureInfo.InvariantCulture),
            "--Worker:ChunkClaims=" + ClusterFixture.ChunkClaims.ToString(CultureInfo.InvariantCulture),
            "--Worker:ChunkPause=" + (chunkPause ?? TimeSpan.FromMilliseconds(150)).ToString("c", CultureInfo.InvariantCulture),
            "--Worker:InvisibilityTimeout=" + InvisibilityTimeout.ToString("c", CultureInfo.InvariantCulture),
            "--Worker:QueuePollInterval=00:00:00.300",
            "--Worker:SchedulePollingInterval=00:00:01",
            "--Worker:ServerHeartbeatInterval=00:00:02",
            "--Worker:TransientRetryDelay=00:00:00.200",
            "--Worker:TransientRetryMaxDelay=00:00:02",
            "--Worker:ShutdownTimeout=00:00:30",
            // Month-end schedules are not what these tests are about.
            "--Worker:Schedules:210500:Enabled=false",
            "--Worker:Schedules:210800:Enabled=false",
        };
        return StartProcess(connectionString, logDir, name, [.. args, .. extraArgs]);
    }

    /// <summary>Runs <c>batchsettle trigger --batch B</c> as its own process and returns its exit code.</summary>
    /// <summary>
    /// Runs <c>batchsettle ARGS</c> as a process in <paramref name="workingDirectory"/> with <paramref name="environment"/>
    /// added, and returns its exit code, stdout and stderr (the CLI tests' one process runner).
    /// </summary>
    public static async Task<(int Code, string Out, string Err)> RunCliAsync(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        psi.ArgumentList.Add(ExecutablePath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start batchsettle");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    public static async Task<(int ExitCode, string Output)> TriggerAsync(string connectionString, string batchId)
    {
        var psi = NewStartInfo(connectionString, ["trigger", "--batch", batchId]);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start batchsettle trigger");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, (await stdout) + (await stderr));
    }

    private static WorkerProcess StartProcess(string connectionString, string logDir, string name, string[] args)
    {
        var logPath = Path.Combine(logDir, $"{name}-{Guid.NewGuid().ToString("N")[..6]}.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = NewStartInfo(connectionString, args), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process, log, logPath, name);
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static ProcessStartInfo NewStartInfo(string connectionString, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Checkout.FindRoot() ?? AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(ExecutablePath);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment[BatchSettleDatabase.EnvVar] = connectionString;
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        return psi;
    }

    /// <summary>SIGKILL: no shutdown hook, no requeue, half a chunk possibly in flight.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM, as a service manager or Ctrl-C would stop it; returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill!.WaitForExitAsync();
            }

            using var cts = new CancellationTokenSource(timeout);
            await process.WaitForExitAsync(cts.Token);
        }

        return process.ExitCode;
    }

    public string Log()
    {
        lock (log)
        {
            log.Flush();
        }

        using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }

    public string Tail(int lines = 40) => string.Join('\n', Log().Split('\n').TakeLast(lines));

    public void Dispose()
    {
        Kill();
        process.Dispose();
        lock (log)
        {
            log.Dispose();
        }
    }
}
