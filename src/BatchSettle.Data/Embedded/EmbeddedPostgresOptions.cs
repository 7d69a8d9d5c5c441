namespace BatchSettle.Data.Embedded;

/// <summary>How to run a private PostgreSQL cluster.</summary>
public sealed class EmbeddedPostgresOptions
{
    /// <summary>Folder that holds the cluster (<c>cluster/</c>), its remembered port (<c>port</c>) and log (<c>postgres.log</c>).</summary>
    public required string DataDir { get; init; }

    /// <summary>
    /// Test clusters trade durability for speed (fsync off); the CLI's cluster keeps PostgreSQL's defaults.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>Database the connection string names; created on start when missing.</summary>
    public string Database { get; init; } = "batchsettle";
}
