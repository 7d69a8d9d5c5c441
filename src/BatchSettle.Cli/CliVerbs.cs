using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;

namespace BatchSettle.Cli;

/// <summary>
/// Every verb of <c>batchsettle</c> as one System.CommandLine tree: options, an example each (printed by
/// <c>VERB --help</c>), and the action calling the verb's work. Unknown options and stray arguments are parse errors
/// (exit 2) with "did you mean" suggestions; <c>worker</c> and <c>dashboard</c> also take host settings as
/// <c>--Section:Key=value</c> (the .NET configuration command line), which are the only tokens they let through.
/// </summary>
internal static class CliVerbs
{
    private const string DatabaseNote =
        "Database: env BATCHSETTLE_DB (a connection string); without it a private PostgreSQL under <checkout>/.data/pg.\n" +
        "Exit codes: 0 ok, 1 failed (the message says why), 2 usage error. Data on stdout, diagnostics and progress on stderr.";

    public static RootCommand Build(CliConsole c, TimeProvider time, string[] rawArgs)
    {
        var examples = new Dictionary<Command, string>();
        // The name in help is "batchsettle" however the process was started (dotnet batchsettle.dll, a test host).
        var root = new RootCommand("batchsettle: month-end settlement of medical-insurance claims (CONTRACT.md \"Command line\").") { HelpName = "batchsettle" };
        examples[root] = "Examples:\n  batchsettle load --persons persons.csv --claims claims.csv\n  batchsettle run --batch 210500-2025-03\n  batchsettle VERB --help\n\n" + DatabaseNote;

        Command Verb(Command parent, string name, string description, string example, params Symbol[] symbols)
        {
            var cmd = new Command(name, description);
            foreach (var s in symbols)
            {
                switch (s)
                {
                    case Option o: cmd.Options.Add(o); break;
                    case Argument a: cmd.Arguments.Add(a); break;
                    case Command sub: cmd.Subcommands.Add(sub); break;
                }
            }

            examples[cmd] = "Example:\n  " + example.Replace("\n", "\n  ", StringComparison.Ordinal);
            parent.Subcommands.Add(cmd);
            return cmd;
        }

        void Act(Command cmd, string verb, Func<ParseResult, CancellationToken, Task<int>> work) =>
            cmd.SetAction((pr, ct) => CliApp.Guard(c, verb, () => work(pr, ct)));

        // load
        var asOf = new Option<DateOnly?>("--as-of") { Description = "registry snapshot date of the persons file (YYYY-MM-DD)", HelpName = "YYYY-MM-DD" };
        var load = Verb(root, "load", "CSV into staging; prints counts per file; bad rows named on stderr.",
            "batchsettle load --persons persons.csv --claims claims.csv",
            S("--persons", "persons.csv (CONTRACT.md)", "FILE"), S("--claims", "claims.csv (CONTRACT.md)", "FILE"), asOf, JsonOption());
        Act(load, "load", (pr, ct) => CliApp.LoadAsync(Bag(pr), pr.GetValue(asOf), c, time, ct));

        // run
        var partitions = new Option<int?>("--partitions") { Description = $"partitions of a new run (1 to {Data.Runs.BatchRunOptions.MaxPartitions}, default 4)", HelpName = "N" };
        var parallelism = new Option<int?>("--parallelism", "--parallel") { Description = "partitions settled at once (default: the processor count)", HelpName = "N" };
        var run = Verb(root, "run", "Settle one batch in this process; blocks; exit 0 on success. Progress on stderr.",
            "batchsettle run --batch 210500-2025-03 --partitions 8 --parallelism 2",
            S("--batch", "the batch id, <admdvs>-<yyyy>-<MM>", "BATCH"), partitions, parallelism, S("--chunk", "claims per chunk (default 10000)", "N"), JsonOption());
        Act(run, "run", (pr, ct) => CliApp.RunBatchAsync(Bag(pr), pr.GetValue(partitions), pr.GetValue(parallelism), c, time, ct));

        // simulate (issue 15): a draft policy's cost, side by side; never touches real results or the ledger
        var simulate = Verb(root, "simulate", "Re-settle a region-year under the policy in force and under policy + a draft parameter file, into simulation tables only; report what the change costs. Or list, show or drop stored simulations.",
            "batchsettle simulate --admdvs 210500 --year 2025 --params draft.csv --name \"deductible 600\" --csv report.csv\nbatchsettle simulate --list\nbatchsettle simulate --report 3 --json\nbatchsettle simulate --drop 3",
            S("--admdvs", "the region", "ADMDVS"), S("--year", "the year", "YYYY"), S("--params", "the draft (params.csv shape, note says draft)", "FILE"),
            S("--name", "a name for the simulation", "NAME"), S("--through", "last month to re-settle (default December)", "YYYY-MM"),
            S("--partitions", "partitions per batch (default 4)", "N"), new Option<string>("--parallelism", "--parallel") { Description = "partitions settled at once (default: the processor count)", HelpName = "N" },
            S("--csv", "also write the report as CSV", "FILE"), F("--list", "the stored simulations"), S("--report", "show a stored simulation's report", "ID"),
            S("--drop", "delete a simulation's tables and report", "ID"), JsonOption());
        Act(simulate, "simulate", (pr, ct) => SimulateCommand.RunAsync(Bag(pr), c.Out, time, ct));

        // export
        var export = Verb(root, "export", "Results, ledger, alerts of a batch as CSV (r.xlsx: XLSX); CI-06 zero-claim resets per batch or run.",
            "batchsettle export --batch 210500-2025-03 --results r.csv --ledger l.csv --alerts a.csv\nbatchsettle export --run 7 --zero-claim-resets z.csv",
            S("--batch", "the batch", "BATCH"), S("--run", "a run id (with --zero-claim-resets only)", "RUN"),
            S("--results", "results file (.csv or .xlsx)", "FILE"), S("--ledger", "ledger lines file", "FILE"), S("--alerts", "alerts file", "FILE"),
            S("--zero-claim-resets", "CI-06 resets (psn_no,year,insutype,setl_id,date,action)", "FILE"),
            F("--excel-csv", "CSV for Excel: BOM, ids as =\"…\""));
        Act(export, "export", (pr, ct) => CliApp.ExportAsync(Bag(pr), c, ct));

        // explain
        var setlId = new Argument<string>("setl_id") { Description = "the settlement id of the claim" };
        var explainJson = JsonOption();
        var explain = Verb(root, "explain", "The step-by-step calculation of one claim, with citations.",
            "batchsettle explain 2105002025030000031579", setlId, explainJson);
        Act(explain, "explain", (pr, ct) => CliApp.ExplainAsync(pr.GetValue(setlId)!, pr.GetValue(explainJson), c, ct));

        // reconcile
        var reconcile = Verb(root, "reconcile", "Results vs ledger per fund and facility, trial balance; or premium subsidies vs ledger.",
            "batchsettle reconcile --batch 210500-2025-03\nbatchsettle reconcile --subsidies --year 2025 --admdvs 210500",
            S("--batch", "the batch", "BATCH"), F("--subsidies", "reconcile premium subsidies (with --year and --admdvs)"),
            S("--year", "subsidy year", "YYYY"), S("--admdvs", "region 210500 or 210800", "ADMDVS"), JsonOption());
        Act(reconcile, "reconcile", (pr, ct) => CliApp.ReconcileAsync(Bag(pr), c, ct));

        // generate
        var generate = Verb(root, "generate", "Synthetic DIR/persons.csv and DIR/claims.csv (one batch per region for the month).",
            "batchsettle generate --persons 30000 --claims 120000 --seed 42 --out data --month 2025-03",
            S("--persons", "persons (≥ 1)", "N"), S("--claims", "claims (≥ 0)", "M"), S("--seed", "random seed (an integer)", "S"),
            S("--out", "output folder", "DIR"), S("--month", "the batches' month (default 2025-03)", "YYYY-MM"));
        Act(generate, "generate", (_, _) => GenerateCommand.RunAsync([.. rawArgs]));

        // subsidies
        var subsidies = Verb(root, "subsidies", "Post premium subsidies (POLICY.md §11) once per person-year; or reverse / repost one.",
            "batchsettle subsidies --year 2025 --admdvs 210800\nbatchsettle subsidies --reverse --psn P1 --year 2025 --reason \"wrong hardship identity\"\nbatchsettle subsidies --repost --psn P1 --year 2025",
            S("--year", "the year", "YYYY"), S("--admdvs", "region 210500 or 210800", "ADMDVS"), F("--reverse", "red-ink reversal of one posted subsidy"),
            F("--repost", "post it again after a reversal"), S("--psn", "the person", "PSN"), S("--reason", "why it is reversed", "TEXT"),
            S("--period", "the open period to file a correction in (default: Y-01 while open, else the current open period)", "YYYY-MM"));
        Act(subsidies, "subsidies", (pr, ct) => SubsidiesCommand.RunAsync(Bag(pr), c.Out, c.Error, time, ct));

        // assist-apply
        var assist = Verb(root, "assist-apply", "Category-I assistance application (YK-MA-09): decide, post once, explain.",
            "batchsettle assist-apply --psn P1 --date 2025-03-15",
            S("--psn", "the person", "PSN"), S("--date", "application date", "YYYY-MM-DD"));
        Act(assist, "assist-apply", (pr, ct) => AssistApplyCommand.RunAsync(Bag(pr), c.Out, time, ct));

        // dashboard (host settings pass through)
        var dashboard = Verb(root, "dashboard", "The operations dashboard (default http://127.0.0.1:5080/dashboard/) until Ctrl-C. Also takes host settings as --Section:Key=value.",
            "batchsettle dashboard --urls http://0.0.0.0:5080 --run-batches\necho secret | batchsettle dashboard --hash-password",
            S("--urls", "listen addresses", "URLS"), F("--run-batches", "this process also settles the batches triggered from it"),
            F("--hash-password", "read a password on stdin, print its Dashboard:Users:N:PasswordHash"),
            F("--insecure-no-auth", "no users, every visitor a viewer; accepted on a loopback address only"));
        dashboard.TreatUnmatchedTokensAsErrors = false;
        Act(dashboard, "dashboard", (pr, _) => HostSettings(pr, c, "dashboard") ?? DashboardCommand.RunAsync([.. rawArgs.Skip(1)]));

        // health (the container HEALTHCHECK: the runtime image has no curl)
        var healthUrl = S("--url", "a dashboard's /healthz to GET (without it: BATCHSETTLE_DB reachable and migrated)", "URL");
        var health = Verb(root, "health", "Exit 0 when healthy: the dashboard's /healthz at --url, else the database of BATCHSETTLE_DB reachable and migrated.",
            "batchsettle health --url http://127.0.0.1:8080/healthz", healthUrl);
        Act(health, "health", (pr, ct) => HealthCommand.RunAsync(pr.GetValue(healthUrl) is { } u ? ["--url", u] : [], c.Out, ct));

        // worker (host settings pass through)
        var worker = Verb(root, "worker", "A Hangfire worker on the product's database; Ctrl-C/SIGTERM stops after the current chunk. Also takes host settings as --Section:Key=value (e.g. --Worker:ChunkClaims=5000).",
            "batchsettle worker --node-id n1 --partitions 8 --parallelism 2 --dashboard",
            S("--node-id", "this node's name (default host-pid)", "ID"), new Option<int?>("--partitions") { Description = "partitions of the runs it creates", HelpName = "N" },
            new Option<int?>("--parallelism") { Description = "partition jobs settled at once", HelpName = "N" },
            F("--dashboard", "serve the dashboard from this process too"), S("--dashboard-urls", "the dashboard's listen addresses", "URLS"));
        worker.TreatUnmatchedTokensAsErrors = false;
        Act(worker, "worker", (pr, ct) => HostSettings(pr, c, "worker") ?? WorkerCommand.RunAsync([.. rawArgs.Skip(1)], ct));

        // trigger
        var wait = F("--wait", "print the run id, follow the run to its end, exit with its result (0 succeeded, 1 failed or cancelled)");
        var triggerJson = JsonOption();
        var triggerBatch = S("--batch", "the batch, <admdvs>-<yyyy>-<MM>", "BATCH");
        var requestedBy = S("--requested-by", "who asks (default cli:$USER)", "NAME");
        var timeout = new Option<int?>("--timeout") { Description = "with --wait: give up (exit 1) after this many seconds; the run goes on", HelpName = "SECONDS" };
        var trigger = Verb(root, "trigger", "Queue a batch for the workers now (once; says if queued, running or settled).",
            "batchsettle trigger --batch 210500-2025-03 --wait", triggerBatch, requestedBy, wait, timeout, triggerJson);
        Act(trigger, "trigger", (pr, ct) => TriggerCommand.RunAsync(
            pr.GetValue(triggerBatch), pr.GetValue(requestedBy), pr.GetValue(wait), pr.GetValue(timeout), pr.GetValue(triggerJson), c, ct));

        // status
        var statusBatch = S("--batch", "only this batch's runs", "BATCH");
        var limit = new Option<int>("--limit") { Description = "at most this many runs (newest first)", HelpName = "N", DefaultValueFactory = _ => 20 };
        var statusJson = JsonOption();
        var status = Verb(root, "status", "Runs, their state and progress (claims done of total), newest first.",
            "batchsettle status --batch 210500-2025-03 --json", statusBatch, limit, statusJson);
        Act(status, "status", (pr, ct) => CliApp.StatusAsync(pr.GetValue(statusBatch), pr.GetValue(limit), pr.GetValue(statusJson), c, ct));

        // db stop
        var db = Verb(root, "db", "The embedded PostgreSQL.", "batchsettle db stop");
        var dbStop = Verb(db, "stop", "Stop the embedded PostgreSQL.", "batchsettle db stop");
        Act(dbStop, "db stop", (_, ct) => CliApp.DbStopAsync(c, ct));

        // params list
        var paramsCmd = Verb(root, "params", "Policy parameters (sql/policy/params.csv).", "batchsettle params list --rule BX-IP-02 --at 2025-03-01");
        var rule = S("--rule", "only this rule id", "RULE");
        var at = new Option<DateOnly?>("--at") { Description = "in force on this date (default today)", HelpName = "YYYY-MM-DD" };
        var paramsAdmdvs = S("--admdvs", "only this region's (and the national) parameters", "ADMDVS");
        var paramsJson = JsonOption();
        var paramsList = Verb(paramsCmd, "list", "The parameters in force, with provenance and citation.",
            "batchsettle params list --rule BX-IP-02 --at 2025-03-01 --admdvs 210500", rule, at, paramsAdmdvs, paramsJson);
        Act(paramsList, "params list", (pr, ct) => CliApp.ParamsListAsync(pr.GetValue(rule), pr.GetValue(at), pr.GetValue(paramsAdmdvs), pr.GetValue(paramsJson), c, time, ct));

        // finance verbs
        var period = Verb(root, "period", "Accounting periods (region, YYYY-MM).", "batchsettle period list --admdvs 210500");
        var periodList = Verb(period, "list", "Accounting periods and their state.", "batchsettle period list --admdvs 210500",
            S("--admdvs", "only this region", "ADMDVS"), JsonOption());
        Act(periodList, "period list", (pr, ct) => FinanceCommand.PeriodAsync(Bag(pr, "list"), c.Out, c.Error, time, ct));
        var periodClose = Verb(period, "close", "Close a month: every run posted, books balance, statements = results = sub-ledger.",
            "batchsettle period close --admdvs 210500 --period 2025-03", S("--admdvs", "the region", "ADMDVS"), S("--period", "the month", "YYYY-MM"), JsonOption());
        Act(periodClose, "period close", (pr, ct) => FinanceCommand.PeriodAsync(Bag(pr, "close"), c.Out, c.Error, time, ct));

        var payments = Verb(root, "payments", "Record payments to facilities from a file (fixmedins_code,period,fund_pay_type,amount,paid_date,bank_ref).",
            "batchsettle payments --admdvs 210500 --file payments.csv", S("--admdvs", "the region", "ADMDVS"), S("--file", "payments CSV", "FILE"), JsonOption());
        Act(payments, "payments", (pr, ct) => FinanceCommand.PaymentsAsync(Bag(pr), c.Out, c.Error, time, ct));

        var opening = Verb(root, "opening-balances", "The fund books' 期初余额, once per book, in their first (open) period (admdvs,fund_code,account_code,counterparty,debit,credit; yuan).",
            "batchsettle opening-balances --period 2025-01 --file opening.csv", S("--period", "the books' first period", "YYYY-MM"), S("--file", "opening balances CSV", "FILE"));
        Act(opening, "opening-balances", (pr, ct) => FinanceCommand.OpeningBalancesAsync(Bag(pr), c.Out, c.Error, time, ct));

        var advance = Verb(root, "advance", "预付金: paid, returned, or offset against a month's settlement.",
            "batchsettle advance pay --admdvs 210500 --facility H1 --fund 390100 --amount 10000.00 --date 2025-03-01 --bank-ref B1");
        foreach (var sub in new[] { "pay", "return" })
        {
            var cmd = Verb(advance, sub, sub == "pay" ? "Pay an advance to a facility." : "A facility returns an advance.",
                $"batchsettle advance {sub} --admdvs 210500 --facility H1 --fund 390100 --amount 10000.00 --date 2025-03-01 --bank-ref B1",
                S("--admdvs", "the region", "ADMDVS"), S("--facility", "fixmedins_code", "F"), S("--fund", "310100, 330100, 390100 or 610100", "FUND"),
                S("--amount", "yuan", "YUAN"), S("--date", "value date", "YYYY-MM-DD"), S("--bank-ref", "bank reference", "REF"), JsonOption());
            Act(cmd, "advance " + sub, (pr, ct) => FinanceCommand.AdvanceAsync(Bag(pr, sub), c.Out, time, ct));
        }

        var offset = Verb(advance, "offset", "Offset an advance against a month's settlement.",
            "batchsettle advance offset --admdvs 210500 --facility H1 --period 2025-03 --fund-pay-type 390100 --amount 5000.00 --date 2025-04-10",
            S("--admdvs", "the region", "ADMDVS"), S("--facility", "fixmedins_code", "F"), S("--period", "the month", "YYYY-MM"),
            S("--fund-pay-type", "fund pay type", "T"), S("--amount", "yuan", "YUAN"), S("--date", "value date", "YYYY-MM-DD"), JsonOption());
        Act(offset, "advance offset", (pr, ct) => FinanceCommand.AdvanceAsync(Bag(pr, "offset"), c.Out, time, ct));

        var yearEnd = Verb(root, "year-end", "年度清算 of the quality deposit (keep.csv: fixmedins_code,fund_pay_type,kept).",
            "batchsettle year-end --admdvs 210500 --year 2025 --date 2026-01-15 --keep keep.csv",
            S("--admdvs", "the region", "ADMDVS"), S("--year", "the year", "YYYY"), S("--date", "value date", "YYYY-MM-DD"), S("--keep", "what the assessment keeps", "FILE"), JsonOption());
        Act(yearEnd, "year-end", (pr, ct) => FinanceCommand.YearEndAsync(Bag(pr), c.Out, time, ct));

        var statements = Verb(root, "statements", "定点医疗机构月度结算单 per facility, fund and med_type group.",
            "batchsettle statements --admdvs 210500 --period 2025-03 --xlsx s.xlsx",
            S("--admdvs", "the region", "ADMDVS"), S("--period", "the month", "YYYY-MM"), S("--facility", "one facility", "F"), S("--xlsx", "also as XLSX", "FILE"), JsonOption());
        Act(statements, "statements", (pr, ct) => FinanceCommand.StatementsAsync(Bag(pr), c.Out, time, ct));

        var outstanding = Verb(root, "outstanding", "Settled and not yet paid per facility, with age, at the period's end.",
            "batchsettle outstanding --admdvs 210500 --period 2025-03",
            S("--admdvs", "the region", "ADMDVS"), S("--period", "the month", "YYYY-MM"), S("--xlsx", "also as XLSX", "FILE"), JsonOption());
        Act(outstanding, "outstanding", (pr, ct) => FinanceCommand.OutstandingAsync(Bag(pr), c.Out, time, ct));

        var report = Verb(root, "report", "科目余额表, 会社保01表, 会社保02表 per fund book.",
            "batchsettle report trial-balance --admdvs 210500 --period 2025-03 --fund 390100 --xlsx tb.xlsx");
        foreach (var kind in new[] { "trial-balance", "balance-sheet", "income" })
        {
            var cmd = Verb(report, kind, kind switch { "trial-balance" => "科目余额表", "balance-sheet" => "会社保01表 balance sheet", _ => "会社保02表 income statement" },
                $"batchsettle report {kind} --admdvs 210500 --period 2025-03 --fund 390100",
                S("--admdvs", "the region", "ADMDVS"), S("--period", "the month", "YYYY-MM"), S("--fund", "one fund book (needed with --xlsx)", "FUND"),
                S("--xlsx", "also as XLSX", "FILE"), JsonOption());
            Act(cmd, "report " + kind, (pr, ct) => FinanceCommand.ReportAsync(Bag(pr, kind), c.Out, time, ct));
        }

        var financeExport = Verb(root, "finance-export", "Every finance workbook of the period as XLSX.",
            "batchsettle finance-export --admdvs 210500 --period 2025-03 --out finance",
            S("--admdvs", "the region", "ADMDVS"), S("--period", "the month", "YYYY-MM"), S("--out", "output folder", "DIR"), JsonOption());
        Act(financeExport, "finance-export", (pr, ct) => FinanceCommand.ExportAsync(Bag(pr), c.Out, time, ct));

        // Help with an example; the root's help option is recursive, so one action serves every verb.
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            help.Action = new ExampleHelpAction((HelpAction)help.Action!, examples);
        }

        return root;
    }

    private static Option<string> S(string name, string description, string helpName) => new(name) { Description = description, HelpName = helpName };

    private static Option<bool> F(string name, string description) => new(name) { Description = description };

    private static Option<bool> JsonOption() => new("--json") { Description = "one JSON document on stdout instead of text" };

    /// <summary>
    /// The verb's string and flag options as the verbs' <see cref="CliArgs"/> (typed options are read from the parse
    /// result directly), with <paramref name="positional"/> as its positional arguments (the sub-command's name).
    /// </summary>
    private static CliArgs Bag(ParseResult pr, params string[] positional)
    {
        var a = new CliArgs();
        a.Positional.AddRange(positional);
        foreach (var r in pr.CommandResult.Children.OfType<OptionResult>())
        {
            if (r.Implicit || r.Option is HelpOption or VersionOption) continue;
            string name = r.Option.Name.TrimStart('-');
            if (r.Option.ValueType == typeof(bool))
            {
                if (r.GetValueOrDefault<bool>()) a.Set(name, "true");
            }
            else if (r.Option.ValueType == typeof(string))
            {
                a.Set(name, string.Join(" ", r.Tokens.Select(t => t.Value)));
            }
        }

        return a;
    }

    /// <summary>
    /// <c>worker</c> and <c>dashboard</c> pass what they do not define to the .NET host as configuration: only
    /// <c>--Section:Key=value</c> or <c>--Section:Key value</c> (a colon in the name). Anything else is a usage error
    /// with a suggestion; null when every unmatched token is a host setting.
    /// </summary>
    private static Task<int>? HostSettings(ParseResult pr, CliConsole c, string verb)
    {
        var known = pr.CommandResult.Command.Options.Select(o => o.Name).ToList();
        bool valueExpected = false;
        foreach (string token in pr.UnmatchedTokens)
        {
            if (IsHostSetting(token))
            {
                valueExpected = !token.Contains('=', StringComparison.Ordinal);
                continue;
            }

            if (valueExpected && !token.StartsWith('-'))
            {
                valueExpected = false;
                continue;
            }

            c.Error.WriteLine($"batchsettle {verb}: unrecognized option or argument '{token}'{Suggest(token, known)}");
            c.Error.WriteLine($"host settings are written --Section:Key=value; see: batchsettle {verb} --help");
            return Task.FromResult(CliApp.Usage);
        }

        return null;
    }

    /// <summary>
    /// A host setting: <c>--Section:Key[=value]</c>, or an environment-style key in capitals such as
    /// <c>--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c> (the OpenTelemetry SDK reads OTEL_* from configuration).
    /// </summary>
    private static bool IsHostSetting(string token)
    {
        if (!token.StartsWith("--", StringComparison.Ordinal)) return false;
        int eq = token.IndexOf('=', StringComparison.Ordinal);
        string name = eq < 0 ? token[2..] : token[2..eq];
        if (name.Contains(':', StringComparison.Ordinal)) return true;
        return name.Length > 0 && name.Contains('_', StringComparison.Ordinal)
            && name.All(ch => ch is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');
    }

    private static string Suggest(string token, IEnumerable<string> names)
    {
        var best = names.Select(n => (Name: n, D: Distance(token, n))).OrderBy(x => x.D).FirstOrDefault();
        return best.Name is not null && best.D <= Math.Max(2, token.Length / 3) ? string.Create(CultureInfo.InvariantCulture, $"; did you mean {best.Name}?") : "";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>The standard help, then the verb's example (and, for the root, the database and exit-code notes).</summary>
    private sealed class ExampleHelpAction(HelpAction inner, IReadOnlyDictionary<Command, string> examples) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            if (parseResult.CommandResult.Command is RootCommand && parseResult.UnmatchedTokens.Count > 0)
            {
                // "batchsettle frobnicate --help": not a verb; say so rather than print the overview as if all were well.
                parseResult.InvocationConfiguration.Error.WriteLine($"batchsettle: unknown verb '{parseResult.UnmatchedTokens[0]}'; see: batchsettle --help");
                return CliApp.Usage;
            }

            inner.Invoke(parseResult);
            if (examples.TryGetValue(parseResult.CommandResult.Command, out var example))
            {
                var o = parseResult.InvocationConfiguration.Output;
                o.WriteLine(example);
                o.WriteLine();
            }

            return CliApp.Ok;
        }
    }
}
