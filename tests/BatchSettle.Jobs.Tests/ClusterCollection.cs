using BatchSettle.Testing;
using Xunit;

namespace BatchSettle.Jobs.Tests;

/// <summary>The fault tests share one PostgreSQL cluster and the reference run (<see cref="ClusterFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "worker-cluster";
}
