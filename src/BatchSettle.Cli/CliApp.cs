using System.Globalization;
using BatchSettle.Data;
using BatchSettle.Data.Embedded;
using BatchSettle.Data.Export;
using BatchSettle.Data.Explain;
using BatchSettle.Data.Finance;
using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Generator;
using Npgsql;

namespace BatchSettle.Cli;

/// <summary>The batchsettle command line (CONTRACT.md "Command line"). Exit 0 ok, 1 failure, 2 usage error.</summary>
public static class CliApp
{
    public const string Usage =
        """
        usage: batchsettle <verb> [options]
          load --persons P.csv --claims C.csv           CSV into staging; prints counts; bad rows named
          run --batch B [--partitions N] [--parallel N] [--chunk N]
                                                        settle one batch; exit 0 on success
          export --batch B --results r.csv [--ledger l.csv] [--alerts a.csv] [--zero-claim-resets z.csv] [--excel-csv]
                                                        r.xlsx writes the results as XLSX; --excel-csv: BOM, ids as ="…"
          export --batch B | --run R --zero-claim-resets z.csv
                                                        CI-06 zero-claim resets for the registry (psn_no,year,insutype,setl_id,date,action)
          explain <setl_id>                             the calculation of one claim
          reconcile --batch B                           results vs ledger per fund and facility; trial balance
          reconcile --subsidies --year Y --admdvs A     premium subsidies vs ledger per category; trial balance
          generate --persons N --claims M --seed S --out DIR [--month YYYY-MM]
          subsidies --year Y --admdvs A                 post premium subsidies (POLICY.md §11) once per person-year
          subsidies --reverse --psn P --year Y --reason R
                                                        red-ink reversal of P's posted subsidy of year Y (once)
          subsidies --repost --psn P --year Y           post it again from the registry as it is now, after a reversal
          assist-apply --psn P --date YYYY-MM-DD         category-I assistance application (YK-MA-09): decide, post once, explain
          dashboard [--urls U] [--run-batches]          the operations dashboard (http://127.0.0.1:5080/dashboard/)
          worker [--node-id ID] [--partitions N] [--parallelism N] [--dashboard] [--Worker:Key=value]
                                                a Hangfire worker; Ctrl-C/SIGTERM stops after the current chunk
          trigger --batch B                             queue batch B for the workers now (once; says if queued, running or settled)
          db stop                                       stop the embedded PostgreSQL
          period list [--admdvs A]                      accounting periods (region, YYYY-MM) and their state
          period close --admdvs A --period YYYY-MM      close a month: every run posted, books balance, statements = results = sub-ledger
          payments --admdvs A --file payments.csv       record payments to facilities (fixmedins_code,period,fund_pay_type,amount,paid_date,bank_ref)
          advance pay|return --admdvs A --facility F --fund 310100|330100|390100|610100 --amount Y --date D --bank-ref R
          advance offset --admdvs A --facility F --period YYYY-MM --fund-pay-type T --amount Y --date D
                                                        预付金 paid, returned, or offset against a month's settlement
          year-end --admdvs A --year Y --date D [--keep keep.csv]
                                                        年度清算 of the quality deposit (keep.csv: fixmedins_code,fund_pay_type,kept)
          statements --admdvs A --period YYYY-MM [--facility F] [--xlsx s.xlsx]
                                                        定点医疗机构月度结算单 per facility, fund and med_type group
          outstanding --admdvs A --period YYYY-MM [--xlsx o.xlsx]
                                                        settled and not yet paid per facility, with age, at the period's end
          report trial-balance|balance-sheet|income --admdvs A --period YYYY-MM [--fund F --xlsx r.xlsx]
                                                        科目余额表, 会社保01表, 会社保02表 per fund book
          finance-export --admdvs A --period YYYY-MM --out DIR
                                                        every finance workbook of the period as XLSX
          simulate --admdvs A --year Y --params draft.csv [--name N] [--through YYYY-MM] [--partitions N] [--parallel N] [--csv F] [--json]
                                                        re-settle the region-year under policy in force and policy + draft; report the cost
          simulate --list | --report ID [--csv F] [--json] | --drop ID
                                                        stored simulations; one's report; delete one
        database: env BATCHSETTLE_DB (a connection string); without it a private PostgreSQL under <checkout>/.data/pg
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null,
        TimeProvider? time = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = stdout ?? Console.Out;
        var e = stderr ?? Console.Error;
        var clock = time ?? TimeProvider.System;
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? e : o).WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        // "<verb> --help" prints that verb's usage and starts nothing: no database, no host, no run.
        if (args.AsSpan(1).Contains("--help") || args.AsSpan(1).Contains("-h"))
        {
            if (VerbUsage(args[0]) is not { } help)
            {
                e.WriteLine($"batchsettle: unknown verb '{args[0]}'");
                e.WriteLine(Usage);
                return 2;
            }

            o.WriteLine(help);
            return 0;
        }

        try
        {
            var rest = args.AsSpan(1);
            return args[0] switch
            {
                "load" => await LoadAsync(CliArgs.Parse(rest), o, clock, ct),
                "run" => await RunBatchAsync(CliArgs.Parse(rest), o, e, clock, ct),
                "export" => await ExportAsync(CliArgs.Parse(rest, "excel-csv"), o, e, ct),
                "explain" => await ExplainAsync(CliArgs.Parse(rest), o, e, ct),
                "reconcile" => await ReconcileAsync(CliArgs.Parse(rest, "subsidies"), o, e, ct),
                "generate" => await GenerateCommand.RunAsync(rest.ToArray()),
                "subsidies" => await SubsidiesCommand.RunAsync(CliArgs.Parse(rest, "reverse", "repost"), o, e, clock, ct),
                "assist-apply" => await AssistApplyCommand.RunAsync(CliArgs.Parse(rest), o, clock, ct),
                "dashboard" => await DashboardCommand.RunAsync(rest.ToArray()),
                "db" => await DbAsync(CliArgs.Parse(rest), o, ct),
                "period" => await FinanceCommand.PeriodAsync(CliArgs.Parse(rest), o, e, clock, ct),
                "payments" => await FinanceCommand.PaymentsAsync(CliArgs.Parse(rest), o, e, clock, ct),
                "advance" => await FinanceCommand.AdvanceAsync(CliArgs.Parse(rest), o, clock, ct),
                "year-end" => await FinanceCommand.YearEndAsync(CliArgs.Parse(rest), o, clock, ct),
                "statements" => await FinanceCommand.StatementsAsync(CliArgs.Parse(rest), o, clock, ct),
                "outstanding" => await FinanceCommand.OutstandingAsync(CliArgs.Parse(rest), o, clock, ct),
                "report" => await FinanceCommand.ReportAsync(CliArgs.Parse(rest), o, clock, ct),
                "finance-export" => await FinanceCommand.ExportAsync(CliArgs.Parse(rest), o, clock, ct),
                "worker" => await WorkerCommand.RunAsync(rest.ToArray(), ct),
                "trigger" => await WorkerCommand.TriggerAsync(rest.ToArray(), o, ct),
                "simulate" => await SimulateCommand.RunAsync(CliArgs.Parse(rest, "list", "json"), o, clock, ct),
                _ => throw new UsageException($"unknown verb '{args[0]}'"),
            };
        }
        catch (UsageException x)
        {
            e.WriteLine($"batchsettle: {x.Message}");
            e.WriteLine(Usage);
            return 2;
        }
        catch (Exception x) when (x is LoadException or RunFailedException or InvalidOperationException or NpgsqlException or FinanceException
                                       or IOException or UnauthorizedAccessException or FormatException)
        {
            e.WriteLine($"batchsettle: {x.Message}");
            return 1;
        }
    }

    /// <summary>The lines of <see cref="Usage"/> that describe <paramref name="verb"/>, with the database note; null for an unknown verb.</summary>
    internal static string? VerbUsage(string verb)
    {
        var lines = Usage.Split('\n');
        var picked = new List<string> { "usage: batchsettle " + verb + " [options]" };
        bool inVerb = false;
        foreach (var line in lines.Skip(1))
        {
            if (line.StartsWith("  " + verb + " ", StringComparison.Ordinal) || line.TrimEnd() == "  " + verb)
            {
                inVerb = true;
            }
            else if (!line.StartsWith("   ", StringComparison.Ordinal))
            {
                // A line indented by two spaces starts another verb; the "database:" line ends the list.
                inVerb = false;
            }

            if (inVerb)
            {
                picked.Add(line);
            }
        }

        if (picked.Count == 1)
        {
            return null;
        }

        picked.Add(lines.First(l => l.StartsWith("database:", StringComparison.Ordinal)));
        return string.Join('\n', picked);
    }

    private static async Task<int> LoadAsync(CliArgs a, TextWriter o, TimeProvider time, CancellationToken ct)
    {
        string? persons = a.Get("persons");
        string? claims = a.Get("claims");
        a.EnsureAllUsed();
        if (persons is null && claims is null) throw new UsageException("load needs --persons and/or --claims");
        // Check both before loading either, so a typo in one path does not leave half a load behind.
        foreach (var f in new[] { persons, claims })
        {
            if (f is not null && !File.Exists(f)) throw new LoadException($"{f}: file not found");
        }
        await using var ds = await BatchSettleDatabase.OpenAsync(o, ct);
        var loader = new StagingLoader(ds, time, o);
        // Persons first: claims are checked against them at run time, not at load, but a reader expects this order.
        if (persons is not null) await loader.LoadPersonsAsync(persons, ct);
        if (claims is not null) await loader.LoadClaimsAsync(claims, ct);
        return 0;
    }

    private static async Task<int> RunBatchAsync(CliArgs a, TextWriter o, TextWriter e, TimeProvider time, CancellationToken ct)
    {
        string batch = a.Required("batch");
        var options = new BatchRunOptions
        {
            Partitions = a.Int("partitions", 4),
            PartitionsGiven = a.Get("partitions") is not null,
            Parallelism = a.Int("parallel", Environment.ProcessorCount),
            ChunkClaims = a.Int("chunk", 10_000),
        };
        a.EnsureAllUsed();
        if (options.Partitions is < 1 or > BatchRunOptions.MaxPartitions)
        {
            throw new UsageException($"--partitions must be 1 to {BatchRunOptions.MaxPartitions} (each partition is a stream over the whole batch)");
        }
        await using var ds = await BatchSettleDatabase.OpenAsync(o, ct);
        var summary = await new BatchRunner(ds, time, o).RunBatchAsync(batch, options, ct);
        o.Write(summary.Format());
        if (summary.Succeeded) return 0;
        e.WriteLine($"batchsettle: run {summary.RunId} of batch {batch} failed: {summary.Error}");
        return 1;
    }

    private static async Task<int> ExportAsync(CliArgs a, TextWriter o, TextWriter e, CancellationToken ct)
    {
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
            await using var rds = await BatchSettleDatabase.OpenAsync(o, ct);
            var list = await new ZeroClaimResetExport(rds).ListAsync(null, runId, ct);
            await ZeroClaimResetExport.WriteCsvAsync(resets, list, ct);
            o.WriteLine($"{resets}: {list.Count} zero-claim resets of run {runId}");
            return 0;
        }
        string batch = batchArg ?? throw new UsageException("missing --batch");
        if (results is null && resets is null) throw new UsageException("missing --results");
        bool excelCsv = a.Flag("excel-csv");
        a.EnsureAllUsed();
        await using var ds = await BatchSettleDatabase.OpenAsync(o, ct);
        if (await BatchLookup.ProblemAsync(ds, batch, ct) is { } problem)
        {
            e.WriteLine($"batchsettle: {problem}; nothing exported");
            return 1;
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
        return 0;
    }

    private static async Task<int> ExplainAsync(CliArgs a, TextWriter o, TextWriter e, CancellationToken ct)
    {
        a.EnsureAllUsed(maxPositional: 1);
        if (a.Positional.Count != 1) throw new UsageException("explain needs one setl_id");
        await using var ds = await BatchSettleDatabase.OpenAsync(o, ct);
        string? text = await new ExplainQuery(ds).ExplainAsync(a.Positional[0], ct);
        if (text is null)
        {
            e.WriteLine($"batchsettle: no settlement result for setl_id {a.Positional[0]}");
            return 1;
        }
        o.Write(text);
        return 0;
    }

    private static async Task<int> ReconcileAsync(CliArgs a, TextWriter o, TextWriter e, CancellationToken ct)
    {
        if (a.Flag("subsidies")) return await SubsidiesCommand.ReconcileAsync(a, o, e, ct);
        string batch = a.Required("batch");
        a.EnsureAllUsed();
        if (batch.StartsWith("subsidy-", StringComparison.Ordinal))
        {
            throw new UsageException($"{batch} holds premium subsidies: use reconcile --subsidies --year Y --admdvs A");
        }
        if (batch.StartsWith("assist-app-", StringComparison.Ordinal))
        {
            throw new UsageException($"{batch} holds category-I assistance applications (YK-MA-09), not a claim batch");
        }
        await using var ds = await BatchSettleDatabase.OpenAsync(o, ct);
        if (await BatchLookup.ProblemAsync(ds, batch, ct) is { } problem)
        {
            e.WriteLine($"batchsettle: {problem}; nothing to reconcile");
            return 1;
        }
        var r = await new Reconciler(ds).ReconcileAsync(batch, ct);
        o.Write(r.Format());
        if (r.Balanced)
        {
            o.WriteLine($"batch {batch}: results and ledger agree; every entry balances");
            return 0;
        }
        foreach (var d in r.Differences) e.WriteLine($"DIFFERENCE {d}");
        e.WriteLine($"batchsettle: batch {batch} does not reconcile ({r.Differences.Count} differences)");
        return 1;
    }

    private static async Task<int> DbAsync(CliArgs a, TextWriter o, CancellationToken ct)
    {
        a.EnsureAllUsed(maxPositional: 1);
        if (a.Positional is not ["stop"]) throw new UsageException("db: the only sub-command is 'stop'");
        string dir = BatchSettleDatabase.EmbeddedDataDir();
        o.WriteLine(await EmbeddedPostgres.StopAsync(dir, ct) ? $"stopped PostgreSQL in {dir}" : $"no PostgreSQL running in {dir}");
        return 0;
    }
}
