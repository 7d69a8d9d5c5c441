using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace BatchSettle.ServiceDefaults.Tests;

public sealed class TelemetrySetupTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Start_NothingConfigured_CreatesNothing()
    {
        Assert.Empty(new ServiceCollection().AddBatchSettleTelemetry(Config()));
        Assert.Equal((false, false), TelemetrySetup.Enabled(Config()));
    }

    [Fact]
    public void Enabled_OtlpEndpoint_TurnsOnBothSignals() =>
        Assert.Equal((true, true), TelemetrySetup.Enabled(Config(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"))));

    [Fact]
    public void Enabled_ExporterNone_TurnsThatSignalOff() =>
        Assert.Equal((true, false), TelemetrySetup.Enabled(Config(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"), ("OTEL_METRICS_EXPORTER", "none"))));

    [Fact]
    public void Enabled_TracesExporterOtlpWithoutEndpoint_TurnsOnTracesOnly() =>
        Assert.Equal((true, false), TelemetrySetup.Enabled(Config(("OTEL_TRACES_EXPORTER", "otlp"))));

    [Fact]
    public void Enabled_SdkDisabled_WinsOverEverything() =>
        Assert.Equal((false, false), TelemetrySetup.Enabled(Config(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"), ("OTEL_SDK_DISABLED", "true"))));

    [Fact]
    public void AddBatchSettleTelemetry_EndpointConfigured_RegistersTracerAndMeterProviders()
    {
        var services = new ServiceCollection().AddLogging().AddBatchSettleTelemetry(Config(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"), ("OTEL_EXPORTER_OTLP_TIMEOUT", "200")));
        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetService<OpenTelemetry.Trace.TracerProvider>());
        Assert.NotNull(provider.GetService<OpenTelemetry.Metrics.MeterProvider>());
    }
}
