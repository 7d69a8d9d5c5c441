using BatchSettle.Dashboard.Jobs;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace BatchSettle.Dashboard;

/// <summary>Registers the dashboard in a web host: options, Basic authentication, the two role policies, the sampler.</summary>
public static class DashboardServices
{
    /// <summary>
    /// Adds the dashboard's services. Pair with <see cref="DashboardEndpoints.MapBatchSettleDashboard"/>. Uses the
    /// host's <see cref="NpgsqlDataSource"/> when it has one; otherwise registers one from <c>BATCHSETTLE_DB</c> or
    /// <c>ConnectionStrings:BatchSettle</c>. An <see cref="IBatchLauncher"/> in the container enables the trigger and
    /// retry actions. Hangfire's dashboard is served beside the pages (<see cref="HangfireDashboard"/>), on the host's
    /// Hangfire storage when it has one.
    /// </summary>
    public static IServiceCollection AddBatchSettleDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => NpgsqlDataSource.Create(ConnectionString(configuration)));
        services.TryAddSingleton<DashboardStore>();
        services.TryAddSingleton<RunControl>();
        services.TryAddSingleton<SettlementExplainer>();
        services.AddHostedService<ProgressSampler>();
        services.AddHostedService<InterruptionWatch>();
        services.AddBatchSettleHangfireDashboard(() => ConnectionString(configuration));

        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<VerifiedLogins>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        services.AddOptions<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<DashboardOptions>>((filtering, dashboard) => DashboardSecurity.ConfigureHostFiltering(filtering, dashboard.Value));
        services.AddAuthentication(BasicAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(BasicAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(DashboardRoles.ViewPolicy, p => p.RequireRole(DashboardRoles.Viewer, DashboardRoles.Operator, DashboardRoles.Finance))
            .AddPolicy(DashboardRoles.ActPolicy, p => p.RequireRole(DashboardRoles.Operator))
            .AddPolicy(DashboardRoles.FinancePolicy, p => p.RequireRole(DashboardRoles.Finance));
        return services;
    }

    /// <summary>
    /// Serves the dashboard from a generic (non-web) host, e.g. the worker: its own web server on
    /// <c>Dashboard:Urls</c> (default <see cref="DashboardHost.DefaultUrls"/>), sharing this host's
    /// <see cref="NpgsqlDataSource"/>, Hangfire storage and <see cref="IBatchLauncher"/>.
    /// </summary>
    public static IServiceCollection AddBatchSettleDashboardServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHostedService<DashboardServer>();
        return services;
    }

    /// <summary>Settles batches triggered from the dashboard in this process (one-machine setups and tests).</summary>
    public static IServiceCollection AddBatchSettleInProcessRuns(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IBatchLauncher, InProcessBatchLauncher>();
        return services;
    }

    private static string ConnectionString(IConfiguration configuration) =>
        configuration["BATCHSETTLE_DB"] is { Length: > 0 } env ? env
        : configuration.GetConnectionString("BatchSettle") is { Length: > 0 } named ? named
        : throw new InvalidOperationException("no database: set BATCHSETTLE_DB or ConnectionStrings:BatchSettle");
}
