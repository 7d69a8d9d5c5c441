using BatchSettle.Dashboard.Jobs;
using BatchSettle.ServiceDefaults;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace BatchSettle.Dashboard;

/// <summary>
/// The dashboard's web host, built the way every host of the product is (<c>WebApplication.CreateBuilder</c>, the web
/// counterpart of the worker's <c>Host.CreateApplicationBuilder</c>): <see cref="CreateBuilder"/> registers the
/// services, the caller may add configuration or replace services, <see cref="Build"/> checks the security settings
/// and maps the site. The <c>dashboard</c> verb, the worker's <c>--dashboard</c> (<see cref="DashboardServer"/>) and
/// the tests all build it here.
/// </summary>
public static class DashboardHost
{
    /// <summary>A laptop default that is not exposed to the network.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>
    /// A builder with the dashboard's services; <paramref name="configureServices"/> adds to or replaces them. Telemetry
    /// is started here unless the dashboard is embedded in a host that has its own (<paramref name="telemetry"/> false).
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<IServiceCollection>? configureServices = null, bool telemetry = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = "batchsettle",
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (telemetry)
        {
            builder.Services.AddBatchSettleTelemetry(builder.Configuration);
        }

        builder.Services.AddBatchSettleDashboard(builder.Configuration);
        configureServices?.Invoke(builder.Services);
        return builder;
    }

    /// <summary>
    /// Where the dashboard listens: <c>--urls</c> or <c>ASPNETCORE_URLS</c>, else <c>Dashboard:Urls</c>, else
    /// <see cref="DefaultUrls"/> (loopback). In a container set <c>Dashboard__Urls=http://0.0.0.0:8080</c> (the image does).
    /// </summary>
    public static string ListenUrls(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration["urls"] is { Length: > 0 } urls ? urls
            : configuration["Dashboard:Urls"] is { Length: > 0 } dashboard ? dashboard
            : DefaultUrls;
    }

    /// <summary>
    /// Checks the security settings (<see cref="DashboardSecurity.Validate"/>: throws <see cref="InvalidOperationException"/>
    /// naming the setting) and builds the site: security headers, host filtering, Basic login, both dashboards, /healthz.
    /// </summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var urls = ListenUrls(builder.Configuration);
        builder.WebHost.UseUrls(urls);
        var app = builder.Build();
        var options = app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value;
        DashboardSecurity.Validate(options, urls);
        if (options.Users.Count == 0)
        {
            app.Logger.NoUsers();
        }

        foreach (var user in options.Users.Where(u => u.PasswordHash is { Length: > 0 } h && PasswordCheck.NeedsUpgrade(h)))
        {
            app.Logger.WeakHash(user.Name, PasswordCheck.IterationsOf(user.PasswordHash!));
        }

        app.UseMiddleware<SecurityHeadersMiddleware>();
        // Before routing: a database outage answers the API with 503 and a JSON error, not an exception page.
        app.UseMiddleware<DatabaseUnavailableMiddleware>();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<HangfireAuditMiddleware>();
        app.MapGet("/", () => TypedResults.Redirect(DashboardEndpoints.BasePath + "/"));
        app.MapBatchSettleHealth();
        app.MapBatchSettleDashboard();
        app.MapBatchSettleHangfire();
        return app;
    }

    /// <summary>The dashboard's addresses once the host has started, e.g. <c>http://127.0.0.1:5080/dashboard/</c>.</summary>
    public static IReadOnlyList<string> Addresses(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return [.. addresses.Select(a => a.TrimEnd('/') + DashboardEndpoints.BasePath + "/")];
    }
}
