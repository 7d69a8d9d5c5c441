using BatchSettle.Dashboard.Jobs;
using BatchSettle.ServiceDefaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BatchSettle.Dashboard;

/// <summary>
/// A host that serves only the dashboard (the <c>dashboard</c> verb: look at runs without running any). The same host
/// definition is what the tests start through <c>WebApplicationFactory</c>. The <c>worker</c> verb serves the
/// dashboard from its own host with <see cref="DashboardServices.AddBatchSettleDashboard"/> and
/// <see cref="DashboardEndpoints.MapBatchSettleDashboard"/>.
/// </summary>
public static class DashboardHost
{
    /// <summary>A laptop default that is not exposed to the network; <c>--urls</c>, <c>ASPNETCORE_URLS</c> or <c>Dashboard:Urls</c> choose another.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>
    /// A web host with the dashboard; <paramref name="configureServices"/> adds to or replaces its services. Telemetry
    /// is started here unless the dashboard is embedded in a host that has its own (<paramref name="telemetry"/> false).
    /// </summary>
    public static IHostBuilder CreateHostBuilder(string[] args, Action<IServiceCollection>? configureServices = null, bool telemetry = true) =>
        Host.CreateDefaultBuilder(args)
            .ConfigureWebHostDefaults(web => web
                .ConfigureServices((context, services) =>
                {
                    if (telemetry)
                    {
                        services.AddBatchSettleTelemetry(context.Configuration);
                    }

                    services.AddBatchSettleDashboard(context.Configuration);
                    configureServices?.Invoke(services);
                })
                .Configure(app =>
                {
                    app.UseMiddleware<DatabaseUnavailableMiddleware>();
                    app.UseRouting();
                    app.UseAuthentication();
                    app.UseAuthorization();
                    app.UseMiddleware<HangfireAuditMiddleware>();
                    app.UseEndpoints(endpoints =>
                    {
                        endpoints.MapGet("/", () => TypedResults.Redirect(DashboardEndpoints.BasePath + "/"));
                        endpoints.MapBatchSettleDashboard();
                        endpoints.MapBatchSettleHangfire();
                    });
                }));

    /// <summary>The dashboard's addresses once the host has started, e.g. <c>http://127.0.0.1:5080/dashboard/</c>.</summary>
    public static IReadOnlyList<string> Addresses(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return [.. addresses.Select(a => a.TrimEnd('/') + DashboardEndpoints.BasePath + "/")];
    }
}
