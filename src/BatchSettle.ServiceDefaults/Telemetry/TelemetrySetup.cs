using System.Reflection;
using BatchSettle.Data.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BatchSettle.ServiceDefaults;

/// <summary>
/// Turns OpenTelemetry on from the standard <c>OTEL_*</c> settings, or leaves it off. Off (the default: no OTLP endpoint
/// and no <c>OTEL_TRACES_EXPORTER</c>/<c>OTEL_METRICS_EXPORTER</c> naming <c>otlp</c>) registers nothing at all, so the
/// product's sources and meters have no listener and every instrumentation call returns at once.
/// </summary>
/// <remarks>
/// The hosting way (OpenTelemetry.Extensions.Hosting): <c>AddOpenTelemetry()</c> on the host's services, whose hosted
/// service starts the providers with the host and flushes them when it stops; <c>UseOtlpExporter()</c> sends traces,
/// metrics and logs, reading endpoint, protocol, headers and timeout (<c>OTEL_EXPORTER_OTLP_*</c>, per signal too) from
/// the host's configuration.
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

    /// <summary>Subscribes to the product's spans: run, partition, chunk and the Hangfire job spans (one source).</summary>
    public static TracerProviderBuilder AddSources(TracerProviderBuilder tracing)
    {
        ArgumentNullException.ThrowIfNull(tracing);
        return tracing.AddSource(BatchSettleTelemetry.Name);
    }

    /// <summary>Subscribes to the product's instruments.</summary>
    public static MeterProviderBuilder AddMeters(MeterProviderBuilder meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        return meters.AddMeter(BatchSettleTelemetry.Name);
    }

    /// <summary>
    /// Registers OpenTelemetry for a host when <c>OTEL_*</c> asks for it: resource (service, version, node), our source
    /// and meter, Npgsql and ASP.NET Core instrumentation, runtime metrics, OTLP for every signal. Hangfire's own
    /// polling is kept out: its data source filters its commands (HangfireStorage), and its dashboard's
    /// <c>/hangfire/stats</c> poll is not traced.
    /// </summary>
    public static IServiceCollection AddBatchSettleTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var (traces, metrics) = Enabled(configuration);
        if (!traces && !metrics)
        {
            return services;
        }

        var otel = services.AddOpenTelemetry().ConfigureResource(resource =>
        {
            if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]))
            {
                resource.AddService(DefaultServiceName, serviceVersion: Version, serviceInstanceId: NodeId(configuration));
            }
            else
            {
                resource.AddService(configuration["OTEL_SERVICE_NAME"]!, serviceVersion: Version, serviceInstanceId: NodeId(configuration));
            }
        });
        if (traces)
        {
            otel.WithTracing(tracing => AddSources(tracing)
                .AddNpgsql()
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsHangfirePoll(context)));
        }

        if (metrics)
        {
            otel.WithMetrics(meters => AddMeters(meters)
                .AddNpgsqlInstrumentation()
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation());
        }

        otel.UseOtlpExporter();
        return services;
    }

    /// <summary>The product's version (the executable's informational version).</summary>
    public static string Version { get; } =
        (Assembly.GetEntryAssembly() ?? typeof(TelemetrySetup).Assembly).GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "0.0.0";

    private static string NodeId(IConfiguration configuration) =>
        configuration["Worker:NodeId"] is { Length: > 0 } node ? node : $"{Environment.MachineName}-{Environment.ProcessId}";

    private static bool IsHangfirePoll(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/hangfire/stats", StringComparison.OrdinalIgnoreCase);

    private static bool Has(IConfiguration configuration, string key) =>
        !string.IsNullOrWhiteSpace(configuration[key]);

    private static bool Wants(string? exporter, bool endpointSet) =>
        string.IsNullOrWhiteSpace(exporter)
            ? endpointSet
            : exporter.Split(',', StringSplitOptions.TrimEntries).Contains("otlp", StringComparer.OrdinalIgnoreCase);
}
