using BatchSettle.Jobs;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace BatchSettle.Dashboard.Jobs;

/// <summary>
/// Hangfire's own dashboard at <see cref="Path"/>, on the same site and behind the same login as the settlement pages:
/// viewers read, operators act (requeue, delete, trigger now), every POST checked by ASP.NET Core antiforgery and every
/// accepted or refused action written to the audit trail (<see cref="HangfireAuditMiddleware"/>). Its menu leads to the
/// settlement pages; a partition job's page shows that partition's progress and links to its run.
/// </summary>
public static class HangfireDashboard
{
    public const string Path = "/hangfire";

    private static readonly Lock RegisterLock = new();
    private static bool registered;

    /// <summary>
    /// The dashboard's Hangfire services without a server: storage (the host's if it has one, else its own from the
    /// connection string), the marker services <c>MapHangfireDashboard</c> checks for, and antiforgery — without it
    /// Hangfire's middleware accepts a POST with no token at all, and Basic authentication is open to cross-site requests.
    /// </summary>
    public static IServiceCollection AddBatchSettleHangfireDashboard(this IServiceCollection services, Func<string> connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connectionString);
        services.AddAntiforgery();
        // The configured database, or, for a host handed only a data source (tests), that data source's.
        services.TryAddSingleton(sp => new HangfireDataSource(HangfireStorage.CreateDataSource(
            TryConnectionString(connectionString) ?? sp.GetRequiredService<NpgsqlDataSource>().ConnectionString, maxPoolSize: 10)));
        services.TryAddSingleton<JobStorage>(sp => HangfireStorage.Create(sp.GetRequiredService<HangfireDataSource>().DataSource, new WorkerOptions()));
        services.TryAddSingleton<ITimeZoneResolver, RegionTimeZoneResolver>();
        // Not AddHangfire: that would point Hangfire's static job activator at this web host's container, which in a
        // worker is not the container the jobs run in. The dashboard needs only the configuration marker and routes.
        services.TryAddSingleton<IGlobalConfiguration>(_ => HangfireStorage.Configure(GlobalConfiguration.Configuration));
        services.TryAddSingleton(_ => DashboardRoutes.Routes);
        RegisterExtensions();
        return services;
    }

    private static string? TryConnectionString(Func<string> connectionString)
    {
        try
        {
            return connectionString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Maps <see cref="Path"/> behind the viewer policy, read-only for anyone who is not an operator.</summary>
    public static IEndpointConventionBuilder MapBatchSettleHangfire(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        return endpoints.MapHangfireDashboardWithAuthorizationPolicy(
            DashboardRoles.ViewPolicy,
            Path,
            new Hangfire.DashboardOptions
            {
                IsReadOnlyFunc = context => !context.GetHttpContext().User.IsInRole(DashboardRoles.Operator),
                AppPath = DashboardEndpoints.BasePath + "/",
                DashboardTitle = "BatchSettle jobs",
                DisplayStorageConnectionString = false,
                TimeZoneResolver = services.GetRequiredService<ITimeZoneResolver>(),
            },
            services.GetRequiredService<JobStorage>());
    }

    /// <summary>
    /// Menus and the partition job's progress section. Hangfire keeps these in statics, so they are added once per
    /// process however many hosts it builds.
    /// </summary>
    private static void RegisterExtensions()
    {
        lock (RegisterLock)
        {
            if (registered)
            {
                return;
            }

            NavigationMenu.Items.Add(_ => new MenuItem("Settlement runs", DashboardEndpoints.BasePath + "/#/runs"));
            NavigationMenu.Items.Add(_ => new MenuItem("Audit trail", DashboardEndpoints.BasePath + "/#/audit"));
            GlobalConfiguration.Configuration.UseJobDetailsRenderer(10, PartitionProgressRenderer.Render);
            registered = true;
        }
    }
}
