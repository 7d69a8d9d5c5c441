using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace BatchSettle.ServiceDefaults;

/// <summary>
/// Holds the SDK (or nothing, when telemetry is off) for a host's lifetime. A hosted service so the host builds it as it
/// starts; made by a factory so the container disposes it (which flushes the exporters) when the host is disposed.
/// </summary>
internal sealed class TelemetryLifetime(OpenTelemetrySdk? sdk) : IHostedService, IDisposable
{
    public bool IsOn => sdk is not null;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        sdk?.TracerProvider.ForceFlush();
        sdk?.MeterProvider.ForceFlush();
        return Task.CompletedTask;
    }

    public void Dispose() => sdk?.Dispose();
}
