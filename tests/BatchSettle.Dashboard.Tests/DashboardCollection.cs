using BatchSettle.Testing;
using Xunit;

namespace BatchSettle.Dashboard.Tests;

/// <summary>The dashboard and browser tests share one PostgreSQL cluster (<see cref="DashboardFixture"/>) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
