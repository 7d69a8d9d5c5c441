using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Migrations;
using BatchSettle.Dashboard;
using BatchSettle.Jobs;
using BatchSettle.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchSettle.Cli;

/// <summary>
/// The <c>worker</c> and <c>trigger</c> verbs. <c>worker</c> is a long-running host — a Hangfire server on the product's
/// database — that settles whatever partition jobs it fetches until Ctrl-C or SIGTERM, then stops at the next chunk
/// boundary and hands them back to the queue. <c>trigger --batch B</c> queues a batch for whichever worker is free.
/// </summary>
public static class WorkerCommand
{
    private static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.Ordinal)
    {
        ["--node-id"] = "Worker:NodeId",
        ["--partitions"] = "Worker:Partitions",
        ["--parallelism"] = "Worker:DegreeOfParallelism",
        ["--dashboard-urls"] = "Dashboard:Urls",
    };

    /// <summary><c>batchsettle worker</c>, in the shape CliApp's by-name delegation calls (<c>RunAsync(string[])</c>).</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, CancellationToken.None);

    /// <summary>
    /// <c>batchsettle worker</c>: the database of <c>BATCHSETTLE_DB</c> (or the embedded one), migrated, then the worker
    /// until Ctrl-C or SIGTERM. <paramref name="args"/> are what follows the verb.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var connectionString = await OpenAndMigrateAsync(cancellationToken);
        return await RunAsync(args, connectionString, configureServices: null, cancellationToken);
    }

    /// <summary><c>batchsettle trigger --batch B</c> against the database of <c>BATCHSETTLE_DB</c> (or the embedded one).</summary>
    public static async Task<int> TriggerAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        var connectionString = await OpenAndMigrateAsync(cancellationToken);
        return await TriggerAsync(args, connectionString, output, cancellationToken);
    }

    /// <summary>
    /// Runs the worker until the process is asked to stop. <paramref name="args"/> are what follows the verb:
    /// <c>--node-id</c>, <c>--partitions</c>, <c>--parallelism</c>, or any setting as <c>--Worker:Key=value</c>.
    /// The schema (Hangfire's included) must be migrated before this is called.
    /// </summary>
    public static Task<int> RunAsync(string[] args, string connectionString, CancellationToken cancellationToken = default) =>
        RunAsync(args, connectionString, configureServices: null, cancellationToken);

    /// <summary>As <see cref="RunAsync(string[],string,CancellationToken)"/>, with a hook to register the services the jobs
    /// need (the <see cref="IRunCoordinator"/>) or to replace them in a test.</summary>
    public static async Task<int> RunAsync(
        string[] args, string connectionString, Action<IServiceCollection>? configureServices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        // --dashboard is a flag, not a key/value setting: keep it away from the command-line configuration provider.
        var settings = args.Where(a => a != "--dashboard").ToArray();
        var dashboard = settings.Length != args.Length;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = settings,
            ApplicationName = "batchsettle",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddCommandLine(settings, SwitchMappings);
        builder.AddBatchSettleServiceDefaults(connectionString, "batchsettle-worker");

        try
        {
            builder.Services.AddBatchSettleJobs(builder.Configuration, connectionString);
            if (dashboard || builder.Configuration.GetValue<bool>("Worker:Dashboard"))
            {
                // The dashboard beside the jobs, on Dashboard:Urls; its trigger queues on the cluster.
                builder.Services.AddBatchSettleDashboard(builder.Configuration);
                builder.Services.AddBatchSettleDashboardServer();
            }

            configureServices?.Invoke(builder.Services);
            using var host = builder.Build();
            var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WorkerOptions>>().Value;
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BatchSettle.Worker")
                .NodeStarting(options.NodeId, options.Partitions, options.DegreeOfParallelism, options.InvisibilityTimeout);
            await host.RunAsync(cancellationToken);
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"batchsettle worker: {ex.Message}");
            return 1;
        }
    }

    /// <summary>
    /// <c>trigger --batch B</c>: queues batch B to run now on whichever worker is free, through Hangfire's client (no
    /// server is started here). Idempotent, and says what it did: a batch already queued or running stays as it is, a
    /// batch already settled is left alone.
    /// </summary>
    public static async Task<int> TriggerAsync(string[] args, string connectionString, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var batchId = ReadOption(args, "--batch");
        if (!BatchIds.IsWellFormed(batchId))
        {
            await Console.Error.WriteLineAsync("usage: batchsettle trigger --batch <admdvs>-<yyyy>-<MM>");
            return 2;
        }

        var requestedBy = ReadOption(args, "--requested-by") ?? $"cli:{Environment.UserName}";
        var result = await EnqueueAsync(connectionString, batchId!, requestedBy, cancellationToken);
        await output.WriteLineAsync(result.Message);
        if (result.RunId is { } runId)
        {
            await output.WriteLineAsync($"run id: {runId}");
        }

        return result.IsFailure ? 1 : 0;
    }

    /// <summary>Queues batch <paramref name="batchId"/> through Hangfire's client (no server is started here) and says what became of it.</summary>
    internal static async Task<BatchQueueResult> EnqueueAsync(string connectionString, string batchId, string requestedBy, CancellationToken cancellationToken)
    {
        var worker = new WorkerOptions();
        await using var dataSource = BatchSettleDatabase.CreateDataSource(connectionString, "batchsettle-trigger");
        await using var hangfireDataSource = HangfireStorage.CreateDataSource(connectionString, maxPoolSize: 2);
        var storage = HangfireStorage.Create(hangfireDataSource, worker);
        HangfireStorage.Configure(Hangfire.GlobalConfiguration.Configuration);
        var queue = new BatchQueue(new Hangfire.BackgroundJobClient(storage), storage, dataSource, TimeProvider.System);
        return await queue.EnqueueAsync(batchId, requestedBy, cancellationToken);
    }

    /// <summary>The connection string, after the schema (Hangfire's included) is migrated: the worker's storage does not install it.</summary>
    internal static async Task<string> OpenAndMigrateAsync(CancellationToken cancellationToken)
    {
        var connectionString = await BatchSettleDatabase.ResolveConnectionStringAsync(cancellationToken);
        await using var dataSource = BatchSettleDatabase.CreateDataSource(connectionString, "batchsettle-migrate");
        await new MigrationRunner(dataSource, SqlLocator.Find()).MigrateAsync(cancellationToken);
        return connectionString;
    }

    private static string? ReadOption(string[] args, string name)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == name && i + 1 < args.Length)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith(name + "=", StringComparison.Ordinal))
            {
                return args[i][(name.Length + 1)..];
            }
        }

        return null;
    }
}
