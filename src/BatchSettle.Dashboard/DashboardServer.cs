using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BatchSettle.Dashboard;

/// <summary>
/// Serves the dashboard from inside a host that is not a web host (the <c>worker</c> verb's generic host): a hosted
/// service that starts the dashboard's own web host next to the jobs and stops it with them. The dashboard shares the
/// outer host's database, Hangfire storage and batch launcher.
/// </summary>
internal sealed class DashboardServer(IServiceProvider outer, IConfiguration configuration, ILogger<DashboardServer> logger) : IHostedService, IAsyncDisposable
{
    private IHost? host;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var urls = configuration["Dashboard:Urls"] ?? DashboardHost.DefaultUrls;
        host = DashboardHost.CreateHostBuilder(["--urls", urls], services =>
        {
            services.AddSingleton(outer.GetRequiredService<NpgsqlDataSource>());
            services.AddSingleton(outer.GetRequiredService<Hangfire.JobStorage>());
            if (outer.GetService<IBatchLauncher>() is { } launcher)
            {
                services.AddSingleton(launcher);
            }
        }, telemetry: false).ConfigureAppConfiguration(c => c.AddConfiguration(configuration)).Build();
        await host.StartAsync(cancellationToken);
        foreach (var address in DashboardHost.Addresses(host.Services))
        {
            logger.Listening(address);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (host is not null)
        {
            await host.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (host is IAsyncDisposable d)
        {
            await d.DisposeAsync();
        }
        else
        {
            host?.Dispose();
        }
    }
}
