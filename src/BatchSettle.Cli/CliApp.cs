using System.CommandLine;
using System.CommandLine.Invocation;
using System.Globalization;
using System.Text.Json;
using BatchSettle.Data;
using BatchSettle.Data.Embedded;
using BatchSettle.Data.Export;
using BatchSettle.Data.Explain;
using BatchSettle.Data.Finance;
using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BatchSettle.Cli;

/// <summary>
/// The batchsettle command line (CONTRACT.md "Command line") on System.CommandLine: one parser for every verb, per-verb
/// <c>--help</c> with an example, <c>--version</c>, "did you mean" on typos, unknown options refused. Exit 0 ok, 1
/// failure, 2 usage error. Data on stdout, diagnostics (logs, progress) on stderr; <c>--json</c> makes stdout one JSON
/// document. The verbs' work is in the data layer; <see cref="CliVerbs"/> holds the definitions.
/// </summary>
public static class CliApp
{
    /// <summary>Exit codes (README "Exit codes").</summary>
    public const int Ok = 0, Failed = 1, Usage = 2;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, IncludeFields = true };

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null,
        TimeProvider? time = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var console = new CliConsole(stdout ?? Console.Out, stderr ?? Console.Error);
        var root = CliVerbs.Build(console, time ?? TimeProvider.System, args);
        var parsed = root.Parse(args);
        var config = new InvocationConfiguration { Output = console.Out, Error = console.Error };
        if (args.Length == 0)
        {
            // No verb: the overview on stderr, a usage error (a script that forgot its verb must not pass).
            await root.Parse(["--help"]).InvokeAsync(new InvocationConfiguration { Output = console.Error, Error = console.Error }, ct);
            return Usage;
        }

        if (parsed.Action is ParseErrorAction errors)
        {
            // A usage error: the errors and "did you mean" suggestions on stderr, and where to read more; stdout stays empty.
            errors.ShowHelp = false;
            await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Error, Error = console.Error }, ct);
            string verb = string.Join(' ', parsed.CommandResult.Command is RootCommand ? [] : CommandPath(parsed.CommandResult.Command));
            console.Error.WriteLine($"see: batchsettle {(verb.Length == 0 ? "" : verb + " ")}--help");
            return Usage;
        }

        return await parsed.InvokeAsync(config, ct);
    }

    private static List<string> CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c && c is not RootCommand; s = s.Parents.FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return names;
    }

    /// <summary>Runs a verb's work, turning the failures a user can act on into a message and an exit code.</summary>
    internal static async Task<int> Guard(CliConsole console, string verb, Func<Task<int>> work)
    {
        try
        {
            return await work();
        }
        catch (UsageException x)
        {
            console.Error.WriteLine($"batchsettle {verb}: {x.Message}");
            console.Error.WriteLine($"see: batchsettle {verb} --help");
            return Usage;
        }
        catch (Exception x) when (x is LoadException or RunFailedException or RunBusyException or InvalidOperationException or NpgsqlException
                                       or FinanceException or IOException or UnauthorizedAccessException or FormatException)
        {
            console.Error.WriteLine($"batchsettle: {x.Message}");
            return Failed;
        }
    }

    internal static void WriteJson<T>(TextWriter o, T value) => o.WriteLine(JsonSerializer.Serialize(value, Json));

    internal static ILoggerFactory Logging(CliConsole console) =>
        LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new CliLoggerProvider(console, LogLevel.Information)));

    internal static async Task<int> LoadAsync(CliArgs a, DateOnly? asOf, CliConsole c, TimeProvider time, CancellationToken ct)
    {
        string? persons = a.Get("persons");
        string? claims = a.Get("claims");
        bool json = a.Flag("json");
        a.EnsureAllUsed();
        if (asOf is not null && persons is null) throw new UsageException("--as-of dates a persons file: give --persons");
        if (persons is null && claims is null) throw new UsageException("load needs --persons and/or --claims");
        // Check both before loading either, so a typo in one path does not leave half a load behind.
        foreach (var f in new[] { persons, claims })
        {
            if (f is not null && !File.Exists(f)) throw new LoadException($"{f}: file not found");
        }

        await using var ds = await BatchSettleDatabase.OpenAsync(c.Error, ct);
        using var logs = Logging(c);
        LoadProgress? last = null;
        var loader = new StagingLoader(ds, time, logs.CreateLogger<StagingLoader>())
        {
            Progress = new SyncProgress<LoadProgress>(p => Volatile.Write(ref last, p)),
        };
        var results = new List<LoadResult>();
        // Persons first: claims are checked against them at run time, not at load, but a reader expects this order.
        foreach (var (path, kind) in new[] { (persons, "persons"), (claims, "claims") })
        {
            if (path is null) continue;
            var r = await LiveProgress.RunAsync(c,
                _ => Task.FromResult(Volatile.Read(ref last) is { } p
                    ? new ProgressReading($"load {Path.GetFileName(p.File)}", p.BytesRead / 1e6, p.FileBytes / 1e6, "MB")
                    : null),
                () => kind == "persons" ? loader.LoadPersonsAsync(path, asOf, ct) : loader.LoadClaimsAsync(path, ct), ct);
            results.Add(r);
            if (!json) c.Out.WriteLine(r.Format());
        }

        if (json) WriteJson(c.Out, new { loaded = results });
        return Ok;
    }

    internal static async Task<int> RunBatchAsync(CliArgs a, int? partitions, int? parallelism, CliConsole c, TimeProvider time, CancellationToken ct)
    {
        string batch = a.Required("batch");
        var options = new BatchRunOptions
        {
            Partitions = partitions ?? 4,
            PartitionsGiven = partitions is not null,
            Parallelism = parallelism ?? Environment.ProcessorCount,
            ChunkClaims = a.Int("chunk", 10_000),
            Lease = RunLeaseOptions.FromEnvironment(),
        };
        bool json = a.Flag("json");
        a.EnsureAllUsed();
        if (options.Partitions is < 1 or > BatchRunOptions.MaxPartitions)
        {
            throw new UsageException($"--partitions must be 1 to {BatchRunOptions.MaxPartitions} (each partition is a stream over the whole batch)");
        }

        if (options.Parallelism < 1) throw new UsageException("--parallelism must be a positive integer");
        await using var ds = await BatchSettleDatabase.OpenAsync(c.Error, ct);
        // The next CLI command marks runs whose owner died (issue 13); this one then resumes its batch's.
        foreach (var x in await RunLeases.MarkExpiredAsync(ds, "cli run", ct)) c.Error.WriteLine($"run {x.RunId} of batch {x.BatchId} interrupted: {x.Reason}");
        // OpenTelemetry as the worker and dashboard hosts start it, when OTEL_* asks (nothing at all otherwise).
        await using var telemetry = await RunTelemetry.StartAsync(c, ct);
        var logs = telemetry.Logging;
        var status = new RunStatusQuery(ds);
        var summary = await LiveProgress.RunAsync(c,
            pct => ReadingAsync(status, batch, pct),
            () => new BatchRunner(ds, time, logs.CreateLogger<BatchRunner>()).RunBatchAsync(batch, options, ct), ct);
        var breakdown = summary.RunId > 0 ? await RunBreakdown.ForRunAsync(ds, summary.RunId, ct) : RunBreakdown.Empty;
        if (json)
        {
            WriteJson(c.Out, new { summary, succeeded = summary.Succeeded, breakdown });
        }
        else
        {
            c.Out.Write(summary.Format());
            c.Out.Write(breakdown.Format());
        }

        if (summary.Succeeded) return Ok;
        c.Error.WriteLine($"batchsettle: run {summary.RunId} of batch {batch} failed: {summary.Error}");
        return Failed;
    }

    /// <summary>The batch's running run as a progress reading (claims done of the run's partitions' total).</summary>
    private static async Task<ProgressReading?> ReadingAsync(RunStatusQuery status, string batch, CancellationToken ct) =>
        await status.ListAsync(batch, 1, ct) is [{ Status: "running" } r]
            ? new ProgressReading($"run {r.RunId} {r.BatchId}", r.ClaimsDone, r.ClaimsTotal, "claims")
            : null;

    internal static async Task<int> ExportAsync(CliArgs a, CliConsole c, CancellationToken ct)
    {
        var (o, e) = (c.Out, c.Error);
        string? batchArg = a.Get("batch");
        string? runArg = a.Get("run");
        string? resets = a.Get("zero-claim-resets");
        string? results = a.Get("results");
        string? ledger = a.Get("ledger");
        string? alerts = a.Get("alerts");
        if (runArg is not null)
        {
            // Per run: only the CI-06 reset list (results, ledger and alerts are per batch, CONTRACT.md).
            if (batchArg is not null) throw new UsageException("give --batch or --run, not both");
            if (resets is null || results is not null || ledger is not null || alerts is not null)
            {
                throw new UsageException("export --run R writes only --zero-claim-resets FILE");
            }
            if (!long.TryParse(runArg, NumberStyles.None, CultureInfo.InvariantCulture, out long runId))
            {
                throw new UsageException($"--run must be a run id, got '{runArg}'");
            }
            a.EnsureAllUsed();
            await using var rds = await BatchSettleDatabase.OpenAsync(e, ct);
            var list = await new ZeroClaimResetExport(rds).ListAsync(null, runId, ct);
            await ZeroClaimResetExport.WriteCsvAsync(resets, list, ct);
            o.WriteLine($"{resets}: {list.Count} zero-claim resets of run {runId}");
            return Ok;
        }
        string batch = batchArg ?? throw new UsageException("missing --batch");
        if (results is null && resets is null) throw new UsageException("missing --results");
        bool excelCsv = a.Flag("excel-csv");
        a.EnsureAllUsed();
        await using var ds = await BatchSettleDatabase.OpenAsync(e, ct);
        if (await BatchLookup.ProblemAsync(ds, batch, ct) is { } problem)
        {
            e.WriteLine($"batchsettle: {problem}; nothing exported");
            return Failed;
        }
        var x = new BatchExporter(ds, excelCsv);
        long n = 0;
        if (results is not null)
        {
            n = results.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase)
                ? await new FinanceExporter(ds).ResultsAsync(batch, results, ct)
                : await x.ExportResultsAsync(batch, results, ct);
            o.WriteLine($"{results}: {n} results");
        }
        if (resets is not null)
        {
            var list = await new ZeroClaimResetExport(ds).ListAsync(batch, null, ct);
            await ZeroClaimResetExport.WriteCsvAsync(resets, list, ct);
            o.WriteLine($"{resets}: {list.Count} zero-claim resets");
            if (results is null) n = await ZeroClaimResetExport.ResultCountAsync(ds, batch, ct);
        }
        if (ledger is not null) o.WriteLine($"{ledger}: {await x.ExportLedgerAsync(batch, ledger, ct)} ledger lines");
        if (alerts is not null) o.WriteLine($"{alerts}: {await x.ExportAlertsAsync(batch, alerts, ct)} alerts");
        if (n == 0 && batch.StartsWith("subsidy-", StringComparison.Ordinal))
        {
            o.WriteLine($"note: {batch} holds premium subsidies: ledger lines only, no settlement results");
        }
        return Ok;
    }

    internal static async Task<int> ExplainAsync(string setlId, bool json, CliConsole c, CancellationToken ct)
    {
        await using var ds = await BatchSettleDatabase.OpenAsync(c.Error, ct);
        string? text = await new ExplainQuery(ds).ExplainAsync(setlId, ct);
        if (text is null)
        {
            c.Error.WriteLine($"batchsettle: no settlement result for setl_id {setlId}");
            return Failed;
        }

        if (!json)
        {
            c.Out.Write(text);
            return Ok;
        }

        await using var conn = await ds.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleAsync<ExplainedResult>(new CommandDefinition(
            """
            SELECT setl_id AS SetlId, batch_id AS BatchId, run_id AS RunId, psn_no AS PsnNo, status AS Status, reason AS Reason,
                   medfee_sumamt AS MedfeeSumamt, hifp_pay AS HifpPay, hifmi_pay AS HifmiPay, hifob_pay AS HifobPay, maf_pay AS MafPay,
                   fund_pay_sumamt AS FundPaySumamt, psn_part_amt AS PsnPartAmt, assumed_params AS AssumedParams, reversal_of AS ReversalOf
            FROM settlement_result WHERE setl_id = @setlId
            """, new { setlId }, cancellationToken: ct));
        WriteJson(c.Out, row with { Text = text });
        return Ok;
    }

    /// <summary>explain --json: the stored result (amounts in fen) and the explanation's text.</summary>
    internal sealed record ExplainedResult(
        string SetlId, string BatchId, long RunId, string PsnNo, string Status, string? Reason, long? MedfeeSumamt, long HifpPay,
        long HifmiPay, long HifobPay, long MafPay, long FundPaySumamt, long PsnPartAmt, bool AssumedParams, string? ReversalOf)
    {
        public string Text { get; init; } = "";
    }

    internal static async Task<int> ReconcileAsync(CliArgs a, CliConsole c, CancellationToken ct)
    {
        if (a.Flag("subsidies")) return await SubsidiesCommand.ReconcileAsync(a, c.Out, c.Error, ct);
        string batch = a.Required("batch");
        bool json = a.Flag("json");
        a.EnsureAllUsed();
        if (batch.StartsWith("subsidy-", StringComparison.Ordinal))
        {
            throw new UsageException($"{batch} holds premium subsidies: use reconcile --subsidies --year Y --admdvs A");
        }
        if (batch.StartsWith("assist-app-", StringComparison.Ordinal))
        {
            throw new UsageException($"{batch} holds category-I assistance applications (YK-MA-09), not a claim batch");
        }
        await using var ds = await BatchSettleDatabase.OpenAsync(c.Error, ct);
        if (await BatchLookup.ProblemAsync(ds, batch, ct) is { } problem)
        {
            c.Error.WriteLine($"batchsettle: {problem}; nothing to reconcile");
            return Failed;
        }
        var r = await new Reconciler(ds).ReconcileAsync(batch, ct);
        if (json)
        {
            WriteJson(c.Out, new { batch, balanced = r.Balanced, report = r.Format(), differences = r.Differences });
            return r.Balanced ? Ok : Failed;
        }

        c.Out.Write(r.Format());
        if (r.Balanced)
        {
            c.Out.WriteLine($"batch {batch}: results and ledger agree; every entry balances");
            return Ok;
        }
        foreach (var d in r.Differences) c.Error.WriteLine($"DIFFERENCE {d}");
        c.Error.WriteLine($"batchsettle: batch {batch} does not reconcile ({r.Differences.Count} differences)");
        return Failed;
    }

    internal static async Task<int> DbStopAsync(CliConsole c, CancellationToken ct)
    {
        string dir = BatchSettleDatabase.EmbeddedDataDir();
        c.Out.WriteLine(await EmbeddedPostgres.StopAsync(dir, ct) ? $"stopped PostgreSQL in {dir}" : $"no PostgreSQL running in {dir}");
        return Ok;
    }

    internal static async Task<int> StatusAsync(string? batch, int limit, bool json, CliConsole c, CancellationToken ct)
    {
        await using var ds = await BatchSettleDatabase.OpenAsync(c.Error, ct);
        var runs = await new RunStatusQuery(ds).ListAsync(batch, limit, ct);
        if (json)
        {
            WriteJson(c.Out, new { runs });
            return Ok;
        }

        if (runs.Count == 0)
        {
            c.Out.WriteLine(batch is null ? "no runs yet" : $"no runs of batch {batch}");
            return Ok;
        }

        c.Out.WriteLine($"{"run",6}  {"batch",-16}{"state",-27}{"progress",-26}{"started (UTC)",-18}{"finished (UTC)",-18}");
        foreach (var r in runs)
        {
            string progress = r.ClaimsTotal > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{r.ClaimsDone:N0}/{r.ClaimsTotal:N0} ({100.0 * r.ClaimsDone / r.ClaimsTotal:F0} %)")
                : "-";
            c.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.RunId,6}  {r.BatchId,-16}{r.Status,-27}{progress,-26}{Time(r.StartedAt),-18}{Time(r.FinishedAt),-18}"));
            if (r.Error is { Length: > 0 } err) c.Out.WriteLine($"        error: {err}");
        }

        return Ok;
    }

    internal static string Time(DateTime? t) => t is { } v ? v.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";

    internal static async Task<int> ParamsListAsync(string? rule, DateOnly? at, string? admdvs, bool json, CliConsole c, TimeProvider time, CancellationToken ct)
    {
        await using var ds = await BatchSettleDatabase.OpenAsync(c.Error, ct);
        var date = at ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var list = await new PolicyParamsQuery(ds).InForceAsync(date, rule, admdvs, ct);
        if (json)
        {
            WriteJson(c.Out, new { at = date, rule, admdvs, parameters = list });
            return Ok;
        }

        c.Out.WriteLine($"policy parameters in force on {date:yyyy-MM-dd}{(rule is null ? "" : $", rule {rule}")}{(admdvs is null ? "" : $", region {admdvs} (and national)")}: {list.Count}");
        foreach (var p in list)
        {
            string key = p.Qualifier.Length == 0 ? p.Key : $"{p.Key}/{p.Qualifier}";
            string where = string.Join(" ", new[] { p.Admdvs, p.Insutype }.Where(s => !string.IsNullOrEmpty(s)));
            c.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  #{p.Id,-5} {p.RuleId,-12} {key,-40} {Value(p.Value, p.Unit),14}  {(where.Length == 0 ? "all" : where),-12} {p.EffectiveFrom:yyyy-MM-dd}..{(p.EffectiveTo is { } to ? to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "")}"));
            c.Out.WriteLine($"         {p.Provenance}; {p.Citation}{(p.Note.Length > 0 ? $"; note: {p.Note}" : "")}");
        }

        return Ok;
    }

    private static string Value(long v, string unit) => unit switch
    {
        "fen" => BatchSettle.Core.Money.FenMath.FormatYuan(v) + " yuan",
        "bp" => string.Create(CultureInfo.InvariantCulture, $"{v / 100m:0.##} %"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{v} {unit}"),
    };
}

/// <summary>An IProgress that calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool and could reorder).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
