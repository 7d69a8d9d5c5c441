using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BatchSettle.Dashboard;

/// <summary>
/// Serves the dashboard from inside a host that is not a web host (the <c>worker</c> verb's generic host): a hosted
/// service that starts the dashboard's own web application (<see cref="DashboardHost"/>) next to the jobs and stops it
/// with them. The dashboard shares the outer host's configuration, database, Hangfire storage and batch launcher.
/// </summary>
internal sealed class DashboardServer(IServiceProvider outer, IConfiguration configuration, ILogger<DashboardServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = DashboardHost.CreateBuilder([], services =>
        {
            services.AddSingleton(outer.GetRequiredService<NpgsqlDataSource>());
            services.AddSingleton(outer.GetRequiredService<Hangfire.JobStorage>());
            if (outer.GetService<IBatchLauncher>() is { } launcher)
            {
                services.AddSingleton(launcher);
            }
        }, telemetry: false);
        builder.Configuration.AddConfiguration(configuration);
        app = DashboardHost.Build(builder);
        await app.StartAsync(cancellationToken);
        foreach (var address in DashboardHost.Addresses(app.Services))
        {
            logger.Listening(address);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is not null)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
