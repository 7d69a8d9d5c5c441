using System.Globalization;
using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Simulation;

namespace BatchSettle.Cli;

/// <summary>
/// <c>batchsettle simulate --admdvs A --year Y --params draft.csv [--name N] [--through YYYY-MM] [--partitions N]
/// [--parallel N] [--csv report.csv] [--json]</c>, <c>simulate --list</c>, <c>simulate --report ID [--csv F] [--json]</c>,
/// <c>simulate --drop ID</c> (issue 15). The work is in <see cref="Simulator"/> and <see cref="SimulationReport"/>; this
/// only reads options. Exit 0 ok, 1 a bad draft (line and field named) or a failure, 2 usage.
/// </summary>
internal static class SimulateCommand
{
    public static async Task<int> RunAsync(CliArgs a, TextWriter o, TimeProvider time, CancellationToken ct)
    {
        string? drop = a.Get("drop");
        string? report = a.Get("report");
        bool list = a.Flag("list");
        bool json = a.Flag("json");
        string? csv = a.Get("csv");
        if (drop is not null || report is not null || list)
        {
            a.EnsureAllUsed();
            await using var ds0 = await BatchSettleDatabase.OpenAsync(o, ct);
            var s0 = new Simulator(ds0, time, o);
            if (list)
            {
                foreach (var s in await s0.ListAsync(ct))
                {
                    o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{s.SimId,5} {s.Status,-7} {s.Admdvs} {s.Year} through {s.Through:yyyy-MM} {s.Claims,10:N0} claims  {s.Name}{(s.Error is null ? "" : "  error: " + s.Error)}"));
                }
                return 0;
            }
            long id = long.TryParse(drop ?? report, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v > 0
                ? v : throw new UsageException($"--{(drop is not null ? "drop" : "report")} needs a simulation id");
            if (drop is not null)
            {
                bool dropped = await s0.DropAsync(id, ct);
                o.WriteLine(dropped ? $"simulation {id} dropped" : $"no simulation {id}");
                return dropped ? 0 : 1;
            }
            string? stored = await s0.ReportJsonAsync(id, ct);
            if (stored is null)
            {
                o.WriteLine($"simulation {id} has no report (not finished, failed or unknown)");
                return 1;
            }
            Print(SimulationReport.FromJson(stored), o, csv, json);
            return 0;
        }
        string admdvs = a.Required("admdvs");
        int year = a.Int("year", 0);
        string draftPath = a.Required("params");
        string? name = a.Get("name");
        string? through = a.Get("through");
        int partitions = a.Int("partitions", 4);
        int parallel = a.Int("parallelism", Environment.ProcessorCount);
        a.EnsureAllUsed();
        if (year is < 2000 or > 2100) throw new UsageException("simulate needs --year YYYY");
        DateOnly? thru = null;
        if (through is not null)
        {
            if (!DateOnly.TryParseExact(through + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
                throw new UsageException($"--through must be YYYY-MM, got '{through}'");
            thru = t;
        }
        if (!File.Exists(draftPath)) throw new IOException($"{draftPath}: file not found");
        string text = await File.ReadAllTextAsync(draftPath, ct);
        await using var ds = await BatchSettleDatabase.OpenAsync(o, ct);
        var sim = new Simulator(ds, time, o);
        long simId = await sim.RunAsync(new SimulationRequest(admdvs, year, text, draftPath)
        {
            Name = name,
            Through = thru,
            Partitions = partitions,
            Parallelism = parallel,
        }, ct);
        Print(SimulationReport.FromJson((await sim.ReportJsonAsync(simId, ct))!), o, csv, json);
        return 0;
    }

    private static void Print(SimulationReport r, TextWriter o, string? csv, bool json)
    {
        o.Write(json ? r.ToJson() + "\n" : r.Render());
        if (csv is not null)
        {
            File.WriteAllText(csv, r.ToCsv());
            o.WriteLine($"report written to {csv}");
        }
    }
}
