using System.Diagnostics;
using System.Text;
using BatchSettle.Data.Infrastructure;

namespace BatchSettle.Testing;

/// <summary>
/// A real <c>batchsettle</c> CLI process (the built executable beside the tests, run with <c>dotnet</c>) on a test
/// database through BATCHSETTLE_DB: started and killed (SIGKILL) mid-run, or run to its end for its exit code and output.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private CliProcess(Process process) => this.process = process;

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static CliProcess Start(string connectionString, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Checkout.FindRoot() ?? AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(WorkerProcess.ExecutablePath);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment[BatchSettleDatabase.EnvVar] = connectionString;
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var cli = new CliProcess(p);
        p.OutputDataReceived += (_, e) => cli.Append(e.Data);
        p.ErrorDataReceived += (_, e) => cli.Append(e.Data);
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs the CLI to its end (at most <paramref name="timeout"/>) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string connectionString, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] args)
    {
        using var cli = Start(connectionString, environment, args);
        using var cts = new CancellationTokenSource(timeout);
        await cli.process.WaitForExitAsync(cts.Token);
        cli.process.WaitForExit();
        return (cli.process.ExitCode, cli.Output);
    }

    /// <summary>SIGKILL: no shutdown hook, half a chunk possibly in flight.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
