using Microsoft.Extensions.Hosting;

namespace BatchSettle.Worker.Dashboard;

/// <summary>
/// <c>batchsettle dashboard [--urls http://127.0.0.1:5080]</c>: serves the dashboard until stopped, printing its
/// address. <c>batchsettle dashboard --hash-password</c> reads a password from standard input and prints the
/// <c>Dashboard:Users:N:PasswordHash</c> value for it.
/// </summary>
public static class DashboardCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

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
        using var host = DashboardHost.CreateHostBuilder(hostArgs).Build();
        await host.StartAsync();
        foreach (var address in DashboardHost.Addresses(host.Services))
        {
            Console.WriteLine($"Dashboard: {address}");
        }

        await host.WaitForShutdownAsync();
        return 0;
    }
}
