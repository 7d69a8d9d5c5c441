using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Migrations;

namespace BatchSettle.Cli;

/// <summary>
/// <c>batchsettle health [--url U]</c>, the container HEALTHCHECK (the runtime image has no curl): with <c>--url</c>,
/// GETs the dashboard's <c>/healthz</c> and exits 0 on 200; without, checks the database of <c>BATCHSETTLE_DB</c>
/// itself (reachable, every migration applied) — for the worker, which serves no HTTP. Exit 0 healthy, 1 not, 2 usage.
/// </summary>
public static class HealthCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Length == 2 && args[0] == "--url")
        {
            using var http = new HttpClient { Timeout = Timeout };
            try
            {
                using var response = await http.GetAsync(new Uri(args[1]), ct);
                await output.WriteLineAsync($"health: {args[1]}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                await output.WriteLineAsync($"health: {args[1]}: {ex.Message}");
                return 1;
            }
        }

        if (args.Length != 0)
        {
            await Console.Error.WriteLineAsync("usage: batchsettle health [--url http://127.0.0.1:8080/healthz]");
            return 2;
        }

        if (Environment.GetEnvironmentVariable(BatchSettleDatabase.EnvVar) is not { Length: > 0 } connectionString)
        {
            await Console.Error.WriteLineAsync($"health: set {BatchSettleDatabase.EnvVar} (or give --url of a dashboard's /healthz)");
            return 2;
        }

        await using var db = BatchSettleDatabase.CreateDataSource(connectionString, "batchsettle-health");
        var h = await SchemaHealth.CheckAsync(db, SqlLocator.Find(), Timeout, ct);
        await output.WriteLineAsync(
            $"health: database {(h.Reachable ? "reachable" : "unreachable")}, schema {(!h.Reachable ? "unknown" : h.Current ? "current" : $"behind ({h.Pending} pending)")}");
        return h.Healthy ? 0 : 1;
    }
}
