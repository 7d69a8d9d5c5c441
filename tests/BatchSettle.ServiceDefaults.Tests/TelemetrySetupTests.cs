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
        Assert.Null(TelemetrySetup.Start(Config()));
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
    public void Start_EndpointConfigured_CreatesSdkThatDisposes()
    {
        // Nothing listens on this port; the exporter only sends on flush and gives up quietly.
        using var sdk = TelemetrySetup.Start(Config(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"), ("OTEL_EXPORTER_OTLP_TIMEOUT", "200")));
        Assert.NotNull(sdk);
    }
}
