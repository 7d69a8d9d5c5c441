using BatchSettle.Testing;
using Xunit;

namespace BatchSettle.ServiceDefaults.Tests;

/// <summary>The telemetry tests listen process-wide: one after another, on one PostgreSQL cluster (<see cref="DashboardFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class TelemetryCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "telemetry";
}
