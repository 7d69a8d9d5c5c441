using BatchSettle.Dashboard;
using BatchSettle.Data.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BatchSettle.Cli;

/// <summary>
/// <c>batchsettle dashboard [--urls http://127.0.0.1:5080] [--run-batches]</c>: serves the dashboard until stopped,
/// printing its address; with <c>--run-batches</c> this process also settles the batches operators trigger from it. <c>batchsettle dashboard --hash-password</c> reads a password from standard input and prints the
/// <c>Dashboard:Users:N:PasswordHash</c> value for it.
/// </summary>
public static class DashboardCommand
{
    public const string DefaultUrls = DashboardHost.DefaultUrls;

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Contains("--hash-password"))
        {
            var password = Console.ReadLine();
            if (string.IsNullOrEmpty(password))
            {
                await Console.Error.WriteLineAsync("dashboard --hash-password: give the password on standard input");
                return 2;
            }

            Console.WriteLine(PasswordCheck.Hash(password));
            return 0;
        }

        // A laptop default that is not exposed to the network; --urls or ASPNETCORE_URLS choose another.
        string[] hostArgs = args.Any(a => a.StartsWith("--urls", StringComparison.Ordinal))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"))
                ? args
                : [.. args, "--urls", DefaultUrls];
        var runBatches = hostArgs.Contains("--run-batches");
        hostArgs = [.. hostArgs.Where(a => a != "--run-batches")];
        // BATCHSETTLE_DB or the checkout's embedded PostgreSQL, migrated: the same database every other verb uses.
        await using var db = await BatchSettleDatabase.OpenAsync(Console.Out);
        using var host = DashboardHost.CreateHostBuilder(hostArgs, services =>
        {
            services.AddSingleton(db);
            if (runBatches)
            {
                services.AddBatchSettleInProcessRuns();
            }
        }).Build();
        await host.StartAsync();
        foreach (var address in DashboardHost.Addresses(host.Services))
        {
            Console.WriteLine($"Dashboard: {address}");
        }

        await host.WaitForShutdownAsync();
        return 0;
    }
}
