using BatchSettle.Data.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BatchSettle.ServiceDefaults;

/// <summary>
/// Turns OpenTelemetry on from the standard <c>OTEL_*</c> settings, or leaves it off. Off (the default: no OTLP endpoint
/// and no <c>OTEL_TRACES_EXPORTER</c>/<c>OTEL_METRICS_EXPORTER</c> naming <c>otlp</c>) creates nothing at all, so the
/// product's sources and meters have no listener and every instrumentation call returns at once.
/// </summary>
/// <remarks>
/// Built with <see cref="OpenTelemetrySdk.Create"/> because the hosting-extensions package is not on our mirror; the
/// returned SDK is the one thing to dispose (it flushes the exporters). Endpoint, protocol, headers and timeout are
/// read by the OTLP exporter itself from the same configuration (<c>OTEL_EXPORTER_OTLP_*</c>), so they are not
/// repeated here.
/// </remarks>
public static class TelemetrySetup
{
    /// <summary>Service name reported when <c>OTEL_SERVICE_NAME</c> is not set.</summary>
    public const string DefaultServiceName = "batchsettle";

    /// <summary>Which signals the configuration asks to export.</summary>
    public static (bool Traces, bool Metrics) Enabled(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return (false, false);
        }

        var anyEndpoint = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        return (
            Wants(configuration["OTEL_TRACES_EXPORTER"], anyEndpoint || Has(configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")),
            Wants(configuration["OTEL_METRICS_EXPORTER"], anyEndpoint || Has(configuration, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")));
    }

    /// <summary>
    /// Starts exporting to OTLP when the configuration asks for it; otherwise returns null having created nothing.
    /// Dispose the result on shutdown.
    /// </summary>
    public static OpenTelemetrySdk? Start(IConfiguration configuration)
    {
        var (traces, metrics) = Enabled(configuration);
        if (!traces && !metrics)
        {
            return null;
        }

        return OpenTelemetrySdk.Create(builder =>
        {
            // The exporter and the resource detectors read OTEL_* from the SDK's own IConfiguration; hand it ours so
            // appsettings and command-line values count as well as the environment.
            builder.Services.AddSingleton(configuration);
            builder.ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(DefaultServiceName);
                }
            });
            if (traces)
            {
                builder.WithTracing(tracing => AddSources(tracing).AddOtlpExporter());
            }

            if (metrics)
            {
                builder.WithMetrics(meters => AddMeters(meters).AddOtlpExporter());
            }
        });
    }

    /// <summary>Subscribes to the product's spans (the job spans of JobTelemetryFilter included) (tests attach an in-memory exporter to the same list).</summary>
    public static TracerProviderBuilder AddSources(TracerProviderBuilder tracing)
    {
        ArgumentNullException.ThrowIfNull(tracing);
        return tracing
            .AddSource(BatchSettleTelemetry.Name)
            .AddSource("Microsoft.AspNetCore");
    }

    /// <summary>Subscribes to the product's instruments.</summary>
    public static MeterProviderBuilder AddMeters(MeterProviderBuilder meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        return meters
            .AddMeter(BatchSettleTelemetry.Name)
            .AddMeter("Microsoft.AspNetCore.Hosting");
    }

    /// <summary>
    /// Registers telemetry for a host: started when the host starts (before the Hangfire server, so its first spans are caught),
    /// flushed and disposed when the host stops.
    /// </summary>
    public static IServiceCollection AddBatchSettleTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHostedService(_ => new TelemetryLifetime(Start(configuration)));
        return services;
    }

    private static bool Has(IConfiguration configuration, string key) =>
        !string.IsNullOrWhiteSpace(configuration[key]);

    private static bool Wants(string? exporter, bool endpointSet) =>
        string.IsNullOrWhiteSpace(exporter)
            ? endpointSet
            : exporter.Split(',', StringSplitOptions.TrimEntries).Contains("otlp", StringComparer.OrdinalIgnoreCase);
}
