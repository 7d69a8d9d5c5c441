using BatchSettle.Dashboard;
using BatchSettle.Data.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace BatchSettle.Cli;

/// <summary>
/// <c>batchsettle dashboard [--urls http://127.0.0.1:5080] [--run-batches] [--insecure-no-auth]</c>: serves the dashboard until stopped,
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

        var runBatches = args.Contains("--run-batches");
        // --insecure-no-auth: no users, every visitor a viewer; the dashboard accepts it on a loopback address only.
        string[] hostArgs = [.. args.Where(a => a is not ("--run-batches" or "--insecure-no-auth")),
            .. args.Contains("--insecure-no-auth") ? new[] { "--Dashboard:InsecureNoAuth=true" } : []];
        // BATCHSETTLE_DB or the checkout's embedded PostgreSQL, migrated: the same database every other verb uses.
        await using var db = await BatchSettleDatabase.OpenAsync(Console.Out);
        var builder = DashboardHost.CreateBuilder(hostArgs, services =>
        {
            services.AddSingleton(db);
            if (runBatches)
            {
                services.AddBatchSettleInProcessRuns();
            }
        });
        WebApplication app;
        try
        {
            app = DashboardHost.Build(builder);
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"dashboard: {ex.Message}");
            return 1;
        }

        await using (app)
        {
            await app.StartAsync();
            foreach (var address in DashboardHost.Addresses(app.Services))
            {
                Console.WriteLine($"Dashboard: {address}");
            }

            await app.WaitForShutdownAsync();
        }

        return 0;
    }
}
