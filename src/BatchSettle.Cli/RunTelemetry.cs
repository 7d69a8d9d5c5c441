using BatchSettle.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchSettle.Cli;

/// <summary>
/// OpenTelemetry for <c>batchsettle run</c>, the hosting way as in the worker and dashboard (issue 10 item 5): when
/// <c>OTEL_*</c> asks for it, a small host with <see cref="TelemetrySetup.AddBatchSettleTelemetry"/> is started around
/// the run (its providers listen to the run → partition → chunk spans and the meter; logs go out over OTLP too) and
/// stopped after it, which flushes. Without <c>OTEL_*</c> no host, no provider, no listener: nothing costs anything.
/// </summary>
internal sealed class RunTelemetry : IAsyncDisposable
{
    private readonly IHost? host;

    private RunTelemetry(IHost? host, ILoggerFactory logging)
    {
        this.host = host;
        Logging = logging;
    }

    /// <summary>The loggers of the run: stderr, and OTLP when telemetry is on.</summary>
    public ILoggerFactory Logging { get; }

    public bool Enabled => host is not null;

    public static async Task<RunTelemetry> StartAsync(CliConsole console, CancellationToken ct)
    {
        var env = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var (traces, metrics) = TelemetrySetup.Enabled(env);
        if (!traces && !metrics)
        {
            return new RunTelemetry(null, CliApp.Logging(console));
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ApplicationName = "batchsettle",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new CliLoggerProvider(console, LogLevel.Information));
        builder.Services.AddBatchSettleTelemetry(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync(ct);
        return new RunTelemetry(host, host.Services.GetRequiredService<ILoggerFactory>());
    }

    public async ValueTask DisposeAsync()
    {
        if (host is null)
        {
            Logging.Dispose();
            return;
        }

        // Stopping the host flushes the exporters (the run's spans and the last metrics).
        await host.StopAsync(CancellationToken.None);
        host.Dispose();
    }
}
